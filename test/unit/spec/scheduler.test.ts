/** Flink's scheduler keys: read as Flink reads an enum (any case, nothing trimmed); a value it cannot read refused. */
import { parseAppSpec, type SpecIssue } from '../../../src/spec';
import { SpecIssueCode } from '../../../src/spec/types';
import {
  isAdaptiveScheduler,
  isReactiveMode,
  runsWithSlotsThereAre,
  schedulerIssues,
} from '../../../src/spec/scheduler';
import { baseManifest, yamlOf } from './manifest-fixtures';

const path = 'spec.flinkConfiguration';

test.each(['Default', 'default', 'Adaptive', 'ADAPTIVE', 'adaptive', ' adaptive', 'AdaptiveBatch', 'adaptivebatch'])(
  'jobmanager.scheduler: %s is taken',
  (value) => {
    expect(schedulerIssues({ 'jobmanager.scheduler': value }, path)).toEqual([]);
  },
);

test.each(['adaptve', 'ng', 'adapt ive', '', 'reactive'])(
  'jobmanager.scheduler: %j is refused, naming the key, the value and what Flink reads',
  (value) => {
    expect(schedulerIssues({ 'jobmanager.scheduler': value }, path)).toEqual([
      {
        code: SpecIssueCode.InvalidValue,
        path: 'spec.flinkConfiguration["jobmanager.scheduler"]',
        message:
          `jobmanager.scheduler is ${JSON.stringify(value)}: Flink reads one of Default, Adaptive, AdaptiveBatch, ` +
          'and its JobManager would fail as the job starts',
        hint: 'Set jobmanager.scheduler to one of Default, Adaptive, AdaptiveBatch (any case), or remove it.',
      },
    ]);
  },
);

test('Flink 1.x reads jobmanager.scheduler: Ng too (gone in 2.0); without a version, as the first check did', () => {
  const v1 = { major: 1, minor: 20 };
  expect(schedulerIssues({ 'jobmanager.scheduler': 'Ng' }, path, v1)).toEqual([]);
  expect(schedulerIssues({ 'jobmanager.scheduler': 'adaptve' }, path, v1)[0]!.message).toContain(
    'Flink reads one of Ng, Default, Adaptive, AdaptiveBatch',
  );
  expect(schedulerIssues({ 'jobmanager.scheduler': 'Ng' }, path, { major: 2, minor: 0 })).toHaveLength(1);
  expect(schedulerIssues({ 'jobmanager.scheduler': 'Ng' }, path)).toHaveLength(1);
});

test('scheduler-mode: reactive in any case is taken; anything else refused', () => {
  expect(schedulerIssues({ 'scheduler-mode': 'Reactive' }, path)).toEqual([]);
  expect(schedulerIssues({ 'scheduler-mode': 'elastic' }, path)).toEqual([
    expect.objectContaining({
      path: 'spec.flinkConfiguration["scheduler-mode"]',
      message: expect.stringContaining('scheduler-mode is "elastic": Flink reads one of reactive'),
    }),
  ]);
});

test('the adaptive scheduler and reactive mode are recognised in any case', () => {
  expect(isAdaptiveScheduler({ 'jobmanager.scheduler': 'Adaptive' })).toBe(true);
  expect(isAdaptiveScheduler({ 'jobmanager.scheduler': 'AdaptiveBatch' })).toBe(false);
  expect(isReactiveMode({ 'scheduler-mode': 'REACTIVE' })).toBe(true);
  expect(runsWithSlotsThereAre({ 'jobmanager.scheduler': 'ADAPTIVE' })).toBe(true);
  expect(runsWithSlotsThereAre({ 'jobmanager.scheduler': 'adaptive ' })).toBe(true);
  expect(runsWithSlotsThereAre({ 'scheduler-mode': 'reactive' })).toBe(true);
  expect(runsWithSlotsThereAre({ 'jobmanager.scheduler': 'Default' })).toBe(false);
});

test('a manifest with a scheduler Flink cannot read is refused as it is read; one it reads is taken', () => {
  const refused = baseManifest();
  refused.spec.flinkConfiguration.jobmanager = { scheduler: 'adaptve' };
  const result = parseAppSpec(yamlOf(refused));
  expect(result.ok).toBe(false);
  expect((result as { issues: SpecIssue[] }).issues.map((i) => i.path)).toEqual([
    'spec.flinkConfiguration["jobmanager.scheduler"]',
  ]);
  const taken = baseManifest();
  taken.spec.flinkConfiguration['jobmanager.scheduler'] = 'Adaptive';
  taken.spec.flinkConfiguration['scheduler-mode'] = 'reactive';
  expect(parseAppSpec(yamlOf(taken)).ok).toBe(true);
});
