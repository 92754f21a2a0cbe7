/**
 * `flink-deploy status --output json` is a stable, documented shape (docs/status-json.md): this
 * pins every key and the type of its value. A change here is a change for every script that
 * reads it: add keys freely (and to the doc), never rename or retype one.
 */
import { statusJson, type StatusJson } from '../../../src/cli/commands/status';
import type { AppSpec } from '../../../src/spec/types';
import { emptyRecord, type DeployStateRecord } from '../../../src/k8s/state-record/types';
import { Health } from '../../../src/contract/observed-health';

type Shape = string | { [key: string]: Shape } | Shape[];

/** Keys and value types, recursively (arrays by their first element). */
function shapeOf(value: unknown): Shape {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length ? [shapeOf(value[0])] : [];
  if (typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, shapeOf(v)]),
    );
  return typeof value;
}

const app = { namespace: 'apps', name: 'orders' };
const spec = {
  image: 'flink:2.3',
  job: { jarURI: 'local:///opt/flink/job.jar', parallelism: 2, upgradeMode: 'savepoint', state: 'running' },
} as AppSpec;
const at = '2026-01-01T00:00:00.000Z';

/** A record with every optional part filled: savepoints, history, a lock held by a savepoint schedule, observed. */
const full: DeployStateRecord<AppSpec> = {
  ...emptyRecord<AppSpec>('apps', 'orders'),
  status: 'running',
  generation: 3,
  jobId: 'a'.repeat(32),
  lastAppliedSpec: spec,
  lastStableSpec: spec,
  restoredFrom: 'file:///savepoints/sp-1',
  savepoints: [
    {
      location: 'file:///savepoints/sp-1',
      time: at,
      kind: 'upgrade',
      triggerId: 'b'.repeat(32),
      jobId: 'c',
      disposed: false,
    },
  ],
  history: [
    {
      workflowId: 'flink-deploy/apps/orders',
      runId: 'r0',
      type: 'upgrade',
      lastPhase: 'WaitingForStable',
      startedAt: at,
      endedAt: at,
      outcome: 'succeeded',
      message: 'ok',
    },
  ],
  operation: {
    workflowId: 'flink-deploy-savepoints/apps/orders',
    runId: 'r9',
    type: 'savepoint',
    phase: 'Savepointing',
    startedAt: at,
  },
  observed: {
    health: Health.Healthy,
    since: at,
    observedAt: at,
    jobId: 'a'.repeat(32),
    jobState: 'RUNNING',
    restarts: 0,
    lastCheckpoint: { id: 7, location: 'file:///checkpoints/chk-7', completedAt: at },
    message: 'running',
  },
};
const operation: NonNullable<StatusJson['operation']> = {
  workflowId: 'flink-deploy/apps/orders',
  runId: 'r1',
  type: 'upgrade',
  phase: 'Deploying',
  phaseFrom: 'worker',
  details: 'applying generation 4',
  since: at,
  url: 'http://127.0.0.1:8233/namespaces/default/workflows/x',
};

test('status --output json: every key and its type, as docs/status-json.md describes them', () => {
  const status = statusJson(app, full, operation, undefined, { state: 'RUNNING' }, { kind: 'running' });
  expect(shapeOf(JSON.parse(JSON.stringify(status)))).toEqual({
    app: { namespace: 'string', name: 'string' },
    deployed: 'boolean',
    status: 'string',
    generation: 'number',
    jobId: 'string',
    job: { state: 'string' },
    restoredFrom: 'string',
    deployedSpec: 'string',
    stableSpec: 'string',
    savepoints: [{ location: 'string', time: 'string', kind: 'string', disposed: 'boolean' }],
    operation: {
      workflowId: 'string',
      runId: 'string',
      type: 'string',
      phase: 'string',
      phaseFrom: 'string',
      details: 'string',
      since: 'string',
      url: 'string',
    },
    lock: { workflowId: 'string', runId: 'string', type: 'string', phase: 'string', since: 'string', run: 'string' },
    lastOperation: { type: 'string', outcome: 'string', endedAt: 'string', message: 'string', workflowId: 'string' },
    observed: {
      health: 'string',
      since: 'string',
      observedAt: 'string',
      jobId: 'string',
      jobState: 'string',
      restarts: 'number',
      lastCheckpoint: { id: 'number', location: 'string', completedAt: 'string' },
      message: 'string',
      observedAgeSeconds: 'number',
      checkpointAgeSeconds: 'number',
      stale: 'boolean',
    },
    nextStep: { command: 'string', why: 'string' },
  });
});

test('status --output json of an application never deployed: the always-present keys, nulls where nothing is', () => {
  const status = statusJson(app, undefined, null, 'configmaps "orders-deploy-state" is forbidden');
  expect(shapeOf(JSON.parse(JSON.stringify(status)))).toEqual({
    app: { namespace: 'string', name: 'string' },
    deployed: 'boolean',
    savepoints: [],
    operation: 'null',
    recordError: 'string',
    nextStep: { command: 'string', why: 'string' },
  });
  expect(status.deployed).toBe(false);
});
