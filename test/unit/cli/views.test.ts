/** Summaries, plans and the JSON document of an operation. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { workflowUrl } from '../../../src/cli/links';
import { planJson, planText } from '../../../src/cli/plan-view';
import { operationJson } from '../../../src/cli/report';
import { applySummary } from '../../../src/cli/summaries';
import { WaitEnd } from '../../../src/cli/waiting';
import { diffSpecs } from '../../../src/spec/diff';
import { loadAppSpec } from '../../../src/spec/parse';
import { stack } from '../../support/stack';

const text = readFileSync(path.join(stack.root, 'examples', 'ci', 'flink-app.yaml'), 'utf8');
const deployed = loadAppSpec(text);
const desired = loadAppSpec(text.replace('image: flink:2.3', 'image: flink:2.4'));

test('the UI link encodes the workflow id', () => {
  expect(
    workflowUrl({ uiUrl: 'http://127.0.0.1:8233', temporalNamespace: 'default' }, 'flink-deploy/default/app', 'run-1'),
  ).toBe('http://127.0.0.1:8233/namespaces/default/workflows/flink-deploy%2Fdefault%2Fapp/run-1');
});

test('the static summary names the operation, the app, the upgrade mode and the change', () => {
  expect(applySummary(desired, diffSpecs(deployed, desired))).toBe(
    'upgrade basic-example (savepoint) image "flink:2.3" → "flink:2.4"'.replace(/"/g, ''),
  );
  expect(applySummary(desired, diffSpecs(undefined, desired))).toBe(
    'deploy basic-example (savepoint) image flink:2.4, parallelism 2',
  );
  expect(applySummary(desired)).toBe('apply basic-example (savepoint) image flink:2.4, parallelism 2');
});

test('the plan lists the change class, the operation and each field with its effect', () => {
  const plan = planJson(desired, diffSpecs(deployed, desired));
  expect(plan).toMatchObject({
    app: { namespace: 'default', name: 'basic-example' },
    class: 'upgrade',
    operation: 'upgrade',
    upgradeMode: 'savepoint',
    changes: [{ field: 'image', from: 'flink:2.3', to: 'flink:2.4', effect: 'upgrade' }],
  });
  expect(planText(plan)).toContain('image: "flink:2.3" → "flink:2.4"  [upgrade]');
  expect(planText(planJson(deployed, diffSpecs(deployed, deployed)))).toContain('apply would do nothing');
});

test('the JSON document of an operation that timed out', () => {
  const run = { app: { namespace: 'default', name: 'a' }, workflowId: 'flink-deploy/default/a', runId: 'r', url: 'u' };
  expect(operationJson(run, { status: 'running', stoppedWaiting: WaitEnd.TimedOut, exitCode: 4 })).toEqual({
    app: run.app,
    workflowId: run.workflowId,
    runId: 'r',
    url: 'u',
    status: 'running',
    waited: true,
    timedOut: true,
    interrupted: false,
    operation: undefined,
    phase: undefined,
    outcome: undefined,
    message: undefined,
    jobId: undefined,
    savepoint: undefined,
    restoredFrom: undefined,
    disposed: undefined,
    failureType: undefined,
    exitCode: 4,
  });
  expect(
    operationJson(run, {
      status: 'failed',
      exitCode: 3,
      failure: { type: 'UpgradeRolledBack', message: 'not stable; rolled back' },
      result: { operation: 'upgrade', outcome: 'rolled-back', message: 'rolled back', restoredFrom: 's1' },
    }),
  ).toMatchObject({
    status: 'failed',
    outcome: 'rolled-back',
    failureType: 'UpgradeRolledBack',
    message: 'not stable; rolled back',
    restoredFrom: 's1',
    exitCode: 3,
  });
});
