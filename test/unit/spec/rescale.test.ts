/** The in-place rescale decision (issue 15): one reason per guard, as plan and apply say it. */
import { applyOperation, planJson, planText } from '../../../src/cli/plan-view';
import { diffSpecs, type AppSpec } from '../../../src/spec';
import { rescaleDecision, rescaleLine } from '../../../src/spec/rescale';
import { baseManifest, specOf, type LooseManifest } from './manifest-fixtures';

function spec(mutate: (m: LooseManifest) => void = () => undefined, adaptive = true): AppSpec {
  const manifest = baseManifest();
  if (adaptive) manifest.spec.flinkConfiguration['jobmanager.scheduler'] = 'adaptive';
  mutate(manifest);
  return specOf(manifest);
}

const parallelism = (p: number) => (m: LooseManifest) => {
  m.spec.job.parallelism = p;
};

function decide(deployed: AppSpec, desired: AppSpec) {
  return rescaleDecision(desired, diffSpecs(deployed, desired));
}

describe('rescaleDecision', () => {
  it('rescales in place a parallelism change with the adaptive scheduler, TaskManagers following', () => {
    // 2 slots per TaskManager: parallelism 3 needs 2 TaskManagers, 5 needs 3.
    expect(decide(spec(), spec(parallelism(5)))).toEqual({
      kind: 'in-place',
      from: { parallelism: 3, taskManagers: 2 },
      to: { parallelism: 5, taskManagers: 3 },
      summary: 'job.parallelism 3 → 5, TaskManagers 2 → 3',
    });
    expect(decide(spec(), spec(parallelism(4)))).toEqual({
      kind: 'in-place',
      from: { parallelism: 3, taskManagers: 2 },
      to: { parallelism: 4, taskManagers: 2 },
      summary: 'job.parallelism 3 → 4',
    });
    expect(decide(spec(parallelism(4)), spec(parallelism(2)))).toMatchObject({
      kind: 'in-place',
      summary: 'job.parallelism 4 → 2, TaskManagers 2 → 1',
    });
  });

  it('rescales in place a TaskManager count change alone (spare slots)', () => {
    const more = spec((m) => {
      m.spec.taskManager.replicas = 4;
    });
    expect(decide(spec(), more)).toMatchObject({ kind: 'in-place', summary: 'TaskManagers 2 → 4' });
  });

  it('takes the upgrade path when the scheduler is not adaptive, and says how to change that', () => {
    const decision = decide(spec(undefined, false), spec(parallelism(5), false));
    expect(decision).toEqual({
      kind: 'upgrade',
      summary: 'job.parallelism 3 → 5, TaskManagers 2 → 3',
      reason:
        'the scheduler is not adaptive (set flinkConfiguration jobmanager.scheduler: adaptive to rescale in place)',
    });
    expect(rescaleLine(decision, 'savepoint')).toBe(
      'upgrade (savepoint): job.parallelism 3 → 5, TaskManagers 2 → 3; not in place: the scheduler is not adaptive ' +
        '(set flinkConfiguration jobmanager.scheduler: adaptive to rescale in place)',
    );
  });

  it('takes the upgrade path when anything else changes as well, naming it', () => {
    const both = spec((m) => {
      m.spec.job.parallelism = 5;
      m.spec.image = 'flink:2.2.1';
    });
    expect(decide(spec(), both)).toMatchObject({
      kind: 'upgrade',
      reason: 'other fields change as well (image), which need a redeploy',
    });
    // Switching the scheduler on in the same apply is a configuration change: not in place.
    expect(decide(spec(undefined, false), spec(parallelism(5)))).toMatchObject({
      kind: 'upgrade',
      reason: 'other fields change as well (flinkConfiguration["jobmanager.scheduler"]), which need a redeploy',
    });
  });

  it('takes the upgrade path in reactive mode and when the TaskManagers cannot give the slots', () => {
    const reactive = (p: number) =>
      spec((m) => {
        m.spec.job.parallelism = p;
        m.spec.flinkConfiguration['scheduler-mode'] = 'reactive';
      });
    expect(decide(reactive(3), reactive(5))).toMatchObject({
      kind: 'upgrade',
      reason: expect.stringMatching(/^reactive/),
    });
    const short = spec((m) => {
      m.spec.job.parallelism = 5;
      m.spec.taskManager.replicas = 2;
    });
    expect(decide(spec(), short)).toMatchObject({
      kind: 'upgrade',
      reason: '2 TaskManager(s) × 2 slot(s) cannot run parallelism 5',
    });
  });

  it('has nothing to say of changes without a rescale', () => {
    const image = spec((m) => {
      m.spec.image = 'flink:2.2.1';
    });
    expect(decide(spec(), image)).toEqual({ kind: 'not-a-rescale' });
    expect(rescaleDecision(spec(), diffSpecs(undefined, spec()))).toEqual({ kind: 'not-a-rescale' });
    expect(rescaleLine({ kind: 'not-a-rescale' }, 'savepoint')).toBeUndefined();
  });
});

describe('plan of a rescale', () => {
  it('shows "rescale in place" and the scale operation, or the upgrade and why', () => {
    const inPlace = planJson(spec(parallelism(5)), diffSpecs(spec(), spec(parallelism(5))));
    expect(inPlace.operation).toBe('scale');
    expect(inPlace.rescale).toBe('rescale in place: job.parallelism 3 → 5, TaskManagers 2 → 3');
    expect(planText(inPlace)).toContain('apply would run: scale\nrescale in place: job.parallelism 3 → 5');

    const classic = planJson(
      spec(parallelism(5), false),
      diffSpecs(spec(undefined, false), spec(parallelism(5), false)),
    );
    expect(classic.operation).toBe('upgrade');
    expect(planText(classic)).toContain(
      'apply would run: upgrade\nupgrade (savepoint): job.parallelism 3 → 5, TaskManagers 2 → 3; not in place: ',
    );
    const image = spec((m) => {
      m.spec.image = 'flink:2.2.1';
    });
    expect(planJson(image, diffSpecs(spec(), image)).rescale).toBeUndefined();
  });

  it('apply starts a rescale in place as the scale operation (its FlinkOperation search attribute)', () => {
    expect(applyOperation(spec(parallelism(5)), diffSpecs(spec(), spec(parallelism(5))))).toBe('scale');
    const notInPlace = spec(parallelism(5), false);
    expect(applyOperation(notInPlace, diffSpecs(spec(undefined, false), notInPlace))).toBe('upgrade');
  });
});
