/** Option values Flink cannot read are refused as the manifest is read; what Flink reads is taken. */
import { parseAppSpec, type SpecIssue } from '../../../src/spec';
import { optionType, optionValueIssues } from '../../../src/spec/flink-option-values';
import type { FlinkVersion } from '../../../src/spec/types';
import { baseManifest, yamlOf } from './manifest-fixtures';

const v2 = { major: 2, minor: 2 };
const at = 'spec.flinkConfiguration';
const refused = (key: string, value: string) => optionValueIssues({ [key]: value }, v2, at);

test.each([
  ['pipeline.object-reuse', ['true', 'FALSE', 'True', ' true ']],
  ['restart-strategy.fixed-delay.attempts', ['3', '-1', '+7', '2147483647']],
  ['blob.service.cleanup.interval', ['3600', '9223372036854775807']],
  ['execution.checkpointing.timeout', ['10 min', '600s', '600000', 'PT10M']],
  ['taskmanager.memory.managed.size', ['512m', '1 GB', '1024', '2g', '1tebibytes', '0']],
  ['execution.checkpointing.mode', ['EXACTLY_ONCE', 'at_least_once']],
])('%s: %j are read by Flink, taken', (key, values) => {
  for (const value of values) expect(refused(key, value)).toEqual([]);
});

test.each([
  ['pipeline.object-reuse', ['yes', '1', 'on', ''], 'true or false'],
  ['restart-strategy.fixed-delay.attempts', ['three', '2.5', '2147483648', '1e3'], 'a whole number (32-bit)'],
  ['blob.service.cleanup.interval', ['1h', '9223372036854775808'], 'a whole number (64-bit)'],
  ['execution.checkpointing.timeout', ['ten minutes', '1.5s', '-5s', '10 fortnights'], 'a duration'],
  ['taskmanager.memory.managed.size', ['lots', 'm512', '1.5g', '1 zb', '9999999999999t'], 'a memory size'],
  ['execution.checkpointing.mode', ['exactly-once', 'EXACTLY ONCE'], 'one of EXACTLY_ONCE, AT_LEAST_ONCE (any case)'],
])('%s: %j are not, refused naming the key, the value and what Flink reads', (key, values, what) => {
  for (const value of values)
    expect(refused(key, value)).toEqual([
      expect.objectContaining({
        path: `spec.flinkConfiguration["${key}"]`,
        message: expect.stringContaining(`${key} is ${JSON.stringify(value)}: Flink reads ${what}`),
        hint: expect.stringContaining(`Set ${key} to ${what}`),
      }),
    ]);
});

test('keys Flink does not type (strings, connectors, our own) are not checked', () => {
  expect(refused('state.backend.type', 'anything')).toEqual([]);
  expect(refused('kubernetes.operator.savepoint.format.type', 'NATIVE')).toEqual([]);
  expect(refused('my.connector.flag', 'maybe')).toEqual([]);
  expect(refused('toString', 'x')).toEqual([]);
  expect(refused('constructor', 'x')).toEqual([]);
});

const on = (major: number, minor: number, key: string, value: string) =>
  optionValueIssues({ [key]: value }, { major, minor }, at).map((issue) => issue.message);

test('each Flink version by its own types: 1.x too, as its Flink reads them (measured on each version)', () => {
  // Flink 1.18 and 1.19 read heartbeat.timeout as milliseconds, 1.20 on as a duration.
  expect(on(1, 18, 'heartbeat.timeout', '50 s')).toEqual([
    'heartbeat.timeout is "50 s": Flink reads a whole number (64-bit), and would fail as it reads it',
  ]);
  expect(on(1, 19, 'heartbeat.timeout', '50000')).toEqual([]);
  expect(on(1, 20, 'heartbeat.timeout', '50 s')).toEqual([]);
  expect(on(1, 20, 'pipeline.object-reuse', 'yes')).toHaveLength(1);
  // ISO-8601 durations from Flink 2.1 on; before, the message does not offer them.
  for (const [major, minor] of [
    [1, 18],
    [1, 20],
    [2, 0],
  ] as const)
    expect(on(major, minor, 'execution.checkpointing.timeout', 'PT10M')).toEqual([
      'execution.checkpointing.timeout is "PT10M": Flink reads a duration (a whole number with a unit: 10s, 1min, ' +
        '500ms), and would fail as it reads it',
    ]);
  expect(on(2, 1, 'execution.checkpointing.timeout', 'PT10M')).toEqual([]);
  // An option a version does not have is not checked (Flink ignores it); enum values as that version has them.
  expect(on(1, 18, 'taskmanager.load-balance.mode', 'TASKS')).toEqual([]);
  expect(on(2, 0, 'taskmanager.load-balance.mode', 'TASKS')).toHaveLength(1);
  expect(on(2, 2, 'taskmanager.load-balance.mode', 'tasks')).toEqual([]);
  // A version newer than the newest read takes the newest's types.
  expect(on(2, 9, 'execution.checkpointing.timeout', 'PT10M')).toEqual([]);
  expect(on(2, 9, 'pipeline.object-reuse', 'yes')).toHaveLength(1);
});

test("a type is the table's last change at or before the version", () => {
  const v = (major: number, minor: number): FlinkVersion => ({ major, minor });
  expect(optionType('heartbeat.timeout', v(1, 18))).toBe('long');
  expect(optionType('heartbeat.timeout', v(1, 19))).toBe('long');
  expect(optionType('heartbeat.timeout', v(1, 20))).toBe('duration');
  expect(optionType('heartbeat.timeout', v(2, 3))).toBe('duration');
  expect(optionType('taskmanager.load-balance.mode', v(1, 18))).toBeUndefined();
  expect(optionType('akka.watch.threshold', v(1, 20))).toBe('int');
  expect(optionType('akka.watch.threshold', v(2, 0))).toBeUndefined();
  expect(optionType('no.such.option', v(2, 3))).toBeUndefined();
  expect(optionType('hasOwnProperty', v(2, 3))).toBeUndefined();
});

function issuesOf(config: Record<string, unknown>): SpecIssue[] {
  const manifest = baseManifest();
  Object.assign(manifest.spec.flinkConfiguration, config);
  const result = parseAppSpec(yamlOf(manifest));
  return result.ok ? [] : result.issues;
}

test('a manifest is refused with every such value at once, each key named once (a dedicated check first)', () => {
  const issues = issuesOf({
    'execution.checkpointing.mode': 'exactly-once',
    pipeline: { 'object-reuse': 'yes' },
    'taskmanager.numberOfTaskSlots': 'two',
    'jobmanager.scheduler': 'adaptve',
  });
  expect(issues.map((i) => i.path).sort()).toEqual([
    'spec.flinkConfiguration["execution.checkpointing.mode"]',
    'spec.flinkConfiguration["jobmanager.scheduler"]',
    'spec.flinkConfiguration["pipeline.object-reuse"]',
    'spec.flinkConfiguration["taskmanager.numberOfTaskSlots"]',
  ]);
  expect(issues.find((i) => i.path.includes('numberOfTaskSlots'))!.message).toBe(
    'taskmanager.numberOfTaskSlots must be an integer ≥ 1 (it is two)',
  );
  expect(issues.find((i) => i.path.includes('scheduler'))!.message).toContain('its JobManager would fail');
  expect(issuesOf({ 'execution.checkpointing.mode': 'AT_LEAST_ONCE', 'pipeline.object-reuse': true })).toEqual([]);
});
