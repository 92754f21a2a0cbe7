/** `status` names the next step: one command per situation (docs/recovery.md). */
import { nextStep } from '../../../src/cli/next-step';
import { statusJson, statusText } from '../../../src/cli/commands/status';
import type { AppSpec } from '../../../src/spec/types';
import { emptyRecord, type DeployStateRecord } from '../../../src/k8s/state-record/types';

const app = { namespace: 'apps', name: 'orders' };
const ref = 'orders -n apps';

function record(patch: Partial<DeployStateRecord<AppSpec>>): DeployStateRecord<AppSpec> {
  return { ...emptyRecord<AppSpec>('apps', 'orders'), generation: 2, jobId: 'a'.repeat(32), ...patch };
}
const past = (outcome: string, message: string) => ({
  workflowId: 'flink-deploy/apps/orders',
  runId: 'r',
  type: 'upgrade',
  lastPhase: 'RollingBack',
  startedAt: '2026-01-01T00:00:00Z',
  endedAt: '2026-01-01T00:01:00Z',
  outcome,
  message,
});

test.each([
  ['nothing deployed', undefined, 'flink-deploy apply -f <manifest>'],
  ['suspended', record({ status: 'suspended' }), `flink-deploy resume ${ref}`],
  ['failed', record({ status: 'failed', failureReason: 'rollback failed' }), `flink-deploy rollback ${ref}`],
  ['running and stable', record({ status: 'running' }), 'none'],
  [
    'rolled back',
    record({ status: 'running', history: [past('rolled-back', 'image flink:9.9 cannot be pulled')] }),
    'flink-deploy apply -f <fixed manifest>',
  ],
])('%s → %s', (_what, rec, command) => {
  expect(nextStep({ app, record: rec, operation: null }).command).toBe(command);
});

test('failed because Flink does not know the job a stopping operation left: apply, naming the choices', () => {
  const reason =
    `Flink does not know job ${'a'.repeat(32)} (asked for 60s) …. Set spec.job.initialSavepointPath to the state ` +
    'to restore and apply; apply --from-scratch deploys without state';
  const step = nextStep({ app, record: record({ status: 'failed', failureReason: reason }), operation: null });
  expect(step.command).toBe('flink-deploy apply -f <manifest>');
  expect(step.why).toContain('Set spec.job.initialSavepointPath');
  // Another job's reason (an older record) is not this one's.
  const other = reason.replace('a'.repeat(32), 'b'.repeat(32));
  expect(nextStep({ app, record: record({ status: 'failed', failureReason: other }), operation: null }).command).toBe(
    `flink-deploy rollback ${ref}`,
  );
});

test('an operation with a worker: follow it; without one: start a worker', () => {
  const rec = record({ status: 'running' });
  const op = { workflowId: 'flink-deploy/apps/orders' };
  expect(nextStep({ app, record: rec, operation: { ...op, phase: 'Deploying', phaseFrom: 'worker' } }).command).toBe(
    `flink-deploy follow ${ref}`,
  );
  expect(nextStep({ app, record: rec, operation: op }).command).toBe('flink-deploy worker');
});

test('a lock whose holder no longer runs: unlock, naming the holder', () => {
  const rec = record({
    status: 'running',
    operation: { workflowId: 'wf-x', runId: 'r', type: 'savepoint', phase: 'Savepointing', startedAt: 't' },
  });
  const step = nextStep({ app, record: rec, operation: null });
  expect(step.command).toBe(`flink-deploy unlock ${ref}`);
  expect(step.why).toContain('savepoint (workflow wf-x)');
});

test("a lock held by a closed run of the application's operation: that operation again, which takes it over", () => {
  const held = { workflowId: 'flink-deploy/apps/orders', runId: 'r', phase: 'Savepointing', startedAt: 't' };
  const step = (type: string) =>
    nextStep({ app, record: record({ status: 'running', operation: { ...held, type } }), operation: null });
  expect(step('suspend').command).toBe(`flink-deploy suspend ${ref}`);
  expect(step('savepoint').command).toBe(`flink-deploy savepoint ${ref}`);
  expect(step('upgrade').command).toBe('flink-deploy apply -f <manifest>');
  expect(step('upgrade').why).toContain('records a savepoint Flink took for the closed run');
  expect(step('something-else').command).toBe(`flink-deploy unlock ${ref}`);
});

test('a session cluster whose upgrade stopped while carrying its jobs over: resume, naming the jobs', () => {
  const rec = record({ status: 'running', jobId: null, carriedJobs: ['billing', 'payments'] });
  const step = nextStep({ app, record: rec, operation: null });
  expect(step.command).toBe(`flink-deploy resume ${ref}`);
  expect(step.why).toContain('(billing, payments)');
});

test('the record says running, Flink says FAILED: rollback', () => {
  const step = nextStep({ app, record: record({ status: 'running' }), operation: null, job: { state: 'FAILED' } });
  expect(step).toMatchObject({ command: `flink-deploy rollback ${ref}` });
  expect(step.why).toContain('Flink says FAILED');
});

test('the last apply failed and Flink does not answer: apply the fixed manifest, never "the job still running"', () => {
  const failed = record({
    status: 'running',
    history: [
      { ...past('failed', 'not stable within 90s: CrashLoopBackOff in init:artifacts-fetcher'), type: 'apply' },
    ],
  });
  const noAnswer = { error: 'Service apps/orders-rest has no ready endpoint yet' };
  const step = nextStep({ app, record: failed, operation: null, job: noAnswer });
  expect(step.command).toBe('flink-deploy apply -f <fixed manifest>');
  expect(step.why).toContain('Flink does not answer (Service apps/orders-rest has no ready endpoint yet)');
  expect(step.why).toContain('CrashLoopBackOff in init:artifacts-fetcher');
  expect(step.why).not.toContain('still running');
  // Flink says RUNNING: the job did survive the failed operation; read why first.
  const running = nextStep({ app, record: failed, operation: null, job: { state: 'RUNNING' } });
  expect(running.command).toBe(`flink-deploy history ${ref}`);
  expect(running.why).toContain('with the job still running');
});

test('status shows it in text and in --output json', () => {
  const status = statusJson(app, record({ status: 'suspended' }), null);
  expect(status.nextStep.command).toBe(`flink-deploy resume ${ref}`);
  expect(statusText(status)).toContain(`next step:   flink-deploy resume ${ref}`);
});
