/** What makes a session job's cluster one it can run on (sessionClusterProblem), in the words people read. */
import { sessionClusterProblem, slotsProblem } from '../../../src/contract/session-jobs';
import type { AppSpec } from '../../../src/spec/types';

const job = { name: 'orders', job: { parallelism: 2 }, flinkConfiguration: {} } as unknown as AppSpec;
const cluster = { namespace: 'ns', name: 'shared' };
const spec = (fields: Partial<AppSpec>) =>
  ({
    name: 'shared',
    taskManager: { replicas: 2 },
    slotsPerTaskManager: 1,
    flinkConfiguration: {},
    ...fields,
  }) as AppSpec;

test('a running session cluster: no problem', () => {
  expect(
    sessionClusterProblem(job, cluster, { status: 'running', lastAppliedSpec: spec({ sessionCluster: true }) }),
  ).toBeUndefined();
});

test.each([
  [
    'no record',
    undefined,
    'session cluster ns/shared (spec.deploymentName of orders) does not exist: apply the session cluster first',
  ],
  ['a record with no spec (never applied)', { status: 'none', lastAppliedSpec: null }, 'does not exist'],
  [
    'an application',
    { status: 'running', lastAppliedSpec: spec({}) },
    'is an application (a FlinkDeployment with spec.job), not a session cluster',
  ],
  [
    'another session job',
    { status: 'running', lastAppliedSpec: spec({ sessionJob: { deploymentName: 'x' } }) },
    'is a FlinkSessionJob, not a session cluster',
  ],
  [
    'a suspended session cluster',
    { status: 'suspended', lastAppliedSpec: spec({ sessionCluster: true }) },
    'is suspended, not running: resume it (flink-deploy resume shared -n ns)',
  ],
])('%s: refused, saying why and what to do', (_what, record, words) => {
  expect(sessionClusterProblem(job, cluster, record)).toContain(words);
});

describe('slots: its TaskManagers are a fixed number', () => {
  const withParallelism = (parallelism: number, flinkConfiguration = {}) =>
    ({ ...job, job: { parallelism }, flinkConfiguration }) as AppSpec;
  const deployed = spec({ sessionCluster: true, taskManager: { replicas: 2 } as never, slotsPerTaskManager: 2 });

  test('a job that fits the TaskManagers × slots less those the other jobs hold: no problem', () => {
    expect(slotsProblem(withParallelism(4), cluster, deployed)).toBeUndefined();
    expect(slotsProblem(withParallelism(3), cluster, deployed, 1)).toBeUndefined();
  });

  test('more than there is: refused, with the count and what to change', () => {
    expect(slotsProblem(withParallelism(5), cluster, deployed)).toBe(
      'orders needs 5 slot(s) (spec.job.parallelism) and session cluster ns/shared has 4 free: 2 TaskManager(s) × ' +
        "2 slot(s); raise the cluster's taskManager.replicas or taskmanager.numberOfTaskSlots, or lower " +
        'spec.job.parallelism (its TaskManagers are a fixed number: a session cluster without taskManager.replicas ' +
        'starts them on demand)',
    );
    expect(slotsProblem(withParallelism(2), cluster, deployed, 3)).toContain(
      'has 1 free: 2 TaskManager(s) × 2 slot(s) less 3 its other jobs hold or ask',
    );
    // The CLI's check (no Flink to ask) and the worker's agree on a running cluster's own record.
    expect(
      sessionClusterProblem(withParallelism(5), cluster, { status: 'running', lastAppliedSpec: deployed }),
    ).toContain('needs 5 slot(s)');
  });

  test("an adaptive scheduler (the cluster's or the job's) runs the job with the slots there are", () => {
    const adaptive = { 'jobmanager.scheduler': 'adaptive' };
    expect(slotsProblem(withParallelism(9, adaptive), cluster, deployed)).toBeUndefined();
    expect(slotsProblem(withParallelism(9), cluster, { ...deployed, flinkConfiguration: adaptive })).toBeUndefined();
    // Flink reads the value in any case: `Adaptive` is the adaptive scheduler too.
    const capitalised = { 'jobmanager.scheduler': 'Adaptive' };
    expect(slotsProblem(withParallelism(9), cluster, { ...deployed, flinkConfiguration: capitalised })).toBeUndefined();
    expect(slotsProblem(withParallelism(9, capitalised), cluster, deployed)).toBeUndefined();
  });
});

describe('slots: TaskManagers on demand (no taskManager.replicas)', () => {
  const withParallelism = (parallelism: number) => ({ ...job, job: { parallelism } }) as AppSpec;
  const onDemand = (flinkConfiguration: Record<string, string> = {}) =>
    spec({
      sessionCluster: true,
      taskManager: { replicas: 1, onDemand: true } as never,
      slotsPerTaskManager: 1,
      flinkConfiguration,
    });

  test('any parallelism: the cluster starts the TaskManagers it needs', () => {
    expect(slotsProblem(withParallelism(64), cluster, onDemand(), 10)).toBeUndefined();
    expect(
      sessionClusterProblem(withParallelism(64), cluster, { status: 'running', lastAppliedSpec: onDemand() }),
    ).toBeUndefined();
  });

  test('bounded by slotmanager.number-of-slots.max: above it, refused, saying the bound', () => {
    const bounded = onDemand({ 'slotmanager.number-of-slots.max': '6' });
    expect(slotsProblem(withParallelism(4), cluster, bounded, 2)).toBeUndefined();
    expect(slotsProblem(withParallelism(5), cluster, bounded, 2)).toBe(
      'orders needs 5 slot(s) (spec.job.parallelism) and session cluster ns/shared starts TaskManagers on demand ' +
        'up to 6 slot(s) (slotmanager.number-of-slots.max) less 2 its other jobs hold or ask: 4 free; raise ' +
        'slotmanager.number-of-slots.max or lower spec.job.parallelism',
    );
  });
});
