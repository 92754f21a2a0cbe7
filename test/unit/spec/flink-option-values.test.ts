/** Option values Flink cannot read are refused as the manifest is read; what Flink reads is taken. */
import { parseAppSpec, type SpecIssue } from '../../../src/spec';
import { optionValueIssues } from '../../../src/spec/flink-option-values';
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

test('keys Flink does not type (strings, connectors, our own) and Flink 1.x are not checked', () => {
  expect(refused('state.backend.type', 'anything')).toEqual([]);
  expect(refused('kubernetes.operator.savepoint.format.type', 'NATIVE')).toEqual([]);
  expect(refused('my.connector.flag', 'maybe')).toEqual([]);
  expect(refused('toString', 'x')).toEqual([]);
  expect(optionValueIssues({ 'pipeline.object-reuse': 'yes' }, { major: 1, minor: 20 }, at)).toEqual([]);
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
