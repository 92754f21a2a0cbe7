/** `status` while an operation runs: the phase from the worker, or the one the workflow recorded. */
import { statusJson, statusText, type StatusJson } from '../../../src/cli/commands/status';
import type { AppSpec } from '../../../src/spec/types';
import { emptyRecord, type DeployStateRecord } from '../../../src/k8s/state-record/types';

const app = { namespace: 'apps', name: 'orders' };
const workflowId = 'flink-deploy/apps/orders';
const running: NonNullable<StatusJson['operation']> = {
  workflowId,
  runId: 'run-1',
  type: 'apply',
  since: '2026-01-01T00:00:00.000Z',
  url: 'http://127.0.0.1:8233/namespaces/default/workflows/x',
};

function lockedBy(holder: string, phase: string): DeployStateRecord<AppSpec> {
  return {
    ...emptyRecord<AppSpec>('apps', 'orders'),
    status: 'running',
    generation: 1,
    jobId: 'a'.repeat(32),
    operation: { workflowId: holder, runId: 'run-1', type: 'apply', phase, startedAt: '2026-01-01T00:00:00.000Z' },
  };
}

test('no worker answers the progress query: the phase the workflow recorded is shown, said to be recorded', () => {
  const status = statusJson(app, lockedBy(workflowId, 'Savepointing'), running);
  expect(status.operation).toMatchObject({ phase: 'Savepointing', phaseFrom: 'record' });
  expect(statusText(status)).toContain('in progress: apply, phase Savepointing (as recorded; no worker answers');
});

test('a worker answers: its phase is shown as is', () => {
  const status = statusJson(app, lockedBy(workflowId, 'Savepointing'), {
    ...running,
    phase: 'Deploying',
    phaseFrom: 'worker',
  });
  expect(status.operation).toMatchObject({ phase: 'Deploying', phaseFrom: 'worker' });
  expect(statusText(status)).toContain('in progress: apply, phase Deploying (since');
});

test("another workflow's lock lends no phase", () => {
  const status = statusJson(app, lockedBy('flink-deploy-savepoints/apps/orders', 'Savepointing'), running);
  expect(status.operation?.phase).toBeUndefined();
  expect(statusText(status)).toContain('phase unknown (no worker answers');
});

test(
  'the lock held by another run (a scheduled savepoint, or a ' + 'closed one): status shows the holder and the way out',
  () => {
    const holder = 'flink-deploy-savepoints/apps/orders-2026';
    const closed = statusJson(app, lockedBy(holder, 'Savepointing'), null, undefined, undefined, {
      kind: 'closed',
      status: 'TERMINATED',
    });
    expect(closed.lock).toEqual({
      workflowId: holder,
      runId: 'run-1',
      type: 'apply',
      phase: 'Savepointing',
      since: '2026-01-01T00:00:00.000Z',
      run: 'closed (TERMINATED)',
    });
    expect(statusText(closed)).toContain(
      `lock:        held by apply (workflow ${holder}, run run-1), phase Savepointing, since ` +
        `2026-01-01T00:00:00.000Z; its run is closed (TERMINATED); the next operation releases it when its run ` +
        `is closed, or \`flink-deploy unlock orders -n apps\``,
    );
    const live = statusJson(app, lockedBy(holder, 'Savepointing'), null, undefined, undefined, { kind: 'running' });
    expect(statusText(live)).toMatch(/its run is running$/m);
    // The operation shown above is the holder itself: no second line.
    expect(statusJson(app, lockedBy(workflowId, 'Savepointing'), running).lock).toBeUndefined();
  },
);
