/** The image's entry point as the node agent maps it: `-D` pairs are Flink's, up to `--`; after it, the job's. */
import { FlinkRole, planEntrypoint, splitDynamicProperties } from '../../../src/local/node-agent/flink-entrypoint';

test('-D pairs before `--` are dynamic properties; everything from `--` on is left as it is, -D too', () => {
  expect(
    splitDynamicProperties(['-D', 'a=1', '-Db=2', '--job-id', 'x', '--', '-D', 'c=3', '-Dd=4', '--input']),
  ).toEqual({
    dynamicProperties: [
      ['a', '1'],
      ['b', '2'],
    ],
    args: ['--job-id', 'x', '--', '-D', 'c=3', '-Dd=4', '--input'],
  });
});

test('a standalone job: its script, and its job args after `--` untouched', () => {
  expect(planEntrypoint({ args: ['standalone-job', '--job-id', 'x', '--', '-n', '-D', 'k=v'] })).toEqual({
    role: FlinkRole.StandaloneJob,
    script: 'standalone-job.sh',
    dynamicProperties: [],
    args: ['--job-id', 'x', '--', '-n', '-D', 'k=v'],
  });
});
