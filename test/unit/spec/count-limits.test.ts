/** Counts Flink or Kubernetes would refuse halfway through an operation are refused when the manifest is read. */
import { parseAppSpec, type SpecIssue } from '../../../src/spec';
import { baseManifest, parsedSessionJob, yamlOf, type LooseManifest } from './manifest-fixtures';

function issuesOf(manifest: LooseManifest): SpecIssue[] {
  const result = parseAppSpec(yamlOf(manifest));
  if (result.ok) throw new Error('expected the manifest to be refused');
  return result.issues;
}

it("a parallelism over Flink's limit (32768) is refused, naming the field and the limit", () => {
  const manifest = baseManifest();
  manifest.spec.job.parallelism = 10_000_000_000;
  expect(issuesOf(manifest)).toEqual([
    expect.objectContaining({
      path: 'spec.job.parallelism',
      message: 'must be at most 32768 (it is 10000000000)',
      hint: 'Set spec.job.parallelism to 32768 or less.',
    }),
  ]);
  manifest.spec.job.parallelism = 32_768;
  expect(parseAppSpec(yamlOf(manifest)).ok).toBe(true);
});

it('replicas over what Kubernetes holds (a 32-bit integer) are refused', () => {
  const manifest = baseManifest();
  manifest.spec.taskManager.replicas = 3_000_000_000;
  expect(issuesOf(manifest)).toEqual([
    expect.objectContaining({
      path: 'spec.taskManager.replicas',
      message: 'must be at most 2147483647 (it is 3000000000)',
    }),
  ]);
});

it('a parallelism that comes from TaskManagers × slots or parallelism.default is held to the same limit', () => {
  const fromReplicas = baseManifest();
  delete fromReplicas.spec.job.parallelism;
  fromReplicas.spec.taskManager.replicas = 20_000;
  expect(issuesOf(fromReplicas)).toEqual([
    expect.objectContaining({
      path: 'spec.taskManager.replicas',
      message: "the job's parallelism 40000 is over Flink's limit of 32768",
    }),
  ]);
  const fromConfig = baseManifest();
  delete fromConfig.spec.job.parallelism;
  fromConfig.spec.flinkConfiguration['parallelism.default'] = '40000';
  expect(issuesOf(fromConfig)).toEqual([
    expect.objectContaining({ path: 'spec.flinkConfiguration["parallelism.default"]' }),
  ]);
});

it('a parallelism over the configured pipeline.max-parallelism is refused; at or under it is taken', () => {
  const manifest = baseManifest();
  manifest.spec.flinkConfiguration['pipeline.max-parallelism'] = '2';
  expect(issuesOf(manifest)).toEqual([
    expect.objectContaining({
      path: 'spec.job.parallelism',
      message: "the job's parallelism 3 is over its max parallelism 2 (pipeline.max-parallelism)",
      hint: 'Lower spec.job.parallelism to 2 or less, or raise pipeline.max-parallelism.',
    }),
  ]);
  manifest.spec.flinkConfiguration['pipeline.max-parallelism'] = '3';
  expect(parseAppSpec(yamlOf(manifest)).ok).toBe(true);
  for (const bad of ['0', 'lots', '40000']) {
    manifest.spec.flinkConfiguration['pipeline.max-parallelism'] = bad;
    expect(issuesOf(manifest)).toEqual([
      expect.objectContaining({
        path: 'spec.flinkConfiguration["pipeline.max-parallelism"]',
        message: `pipeline.max-parallelism must be an integer from 1 to 32768 (it is ${bad})`,
      }),
    ]);
  }
});

/** A FlinkSessionJob of `parallelism`, its own flinkConfiguration `config`, parsed. */
it("a session job's parallelism over its own pipeline.max-parallelism is refused", () => {
  const result = parsedSessionJob({ parallelism: 8, config: { 'pipeline.max-parallelism': '4' } });
  expect(!result.ok && result.issues).toEqual([
    expect.objectContaining({
      path: 'spec.job.parallelism',
      message: "the job's parallelism 8 is over its max parallelism 4 (pipeline.max-parallelism)",
    }),
  ]);
  expect(parsedSessionJob({ parallelism: 4, config: { 'pipeline.max-parallelism': '4' } }).ok).toBe(true);
});

it("a session job's parallelism is held to Flink's limit too", () => {
  const result = parsedSessionJob({ parallelism: 50_000 });
  expect(result.ok).toBe(false);
  expect(!result.ok && result.issues).toEqual([
    expect.objectContaining({ path: 'spec.job.parallelism', message: 'must be at most 32768 (it is 50000)' }),
  ]);
});

it('jobManager.replicas that is not a whole number is named as such, not as a standby JobManager', () => {
  const manifest = baseManifest();
  manifest.spec.jobManager.replicas = 1.5;
  expect(issuesOf(manifest)).toEqual([
    expect.objectContaining({ path: 'spec.jobManager.replicas', message: expect.stringMatching(/integer/) }),
  ]);
});

it('too few TaskManager slots for the parallelism are refused under the default scheduler, not the adaptive', () => {
  const manifest = baseManifest();
  manifest.spec.taskManager.replicas = 1;
  expect(issuesOf(manifest)).toEqual([
    expect.objectContaining({
      path: 'spec.taskManager.replicas',
      message: expect.stringContaining("1 TaskManager(s) × 2 slot(s) cannot run the job's parallelism 3"),
      hint: expect.stringContaining('Set spec.taskManager.replicas to 2 or more'),
    }),
  ]);
  for (const [key, value] of [
    ['jobmanager.scheduler', 'adaptive'],
    ['scheduler-mode', 'reactive'],
  ] as const) {
    const adaptive = baseManifest();
    adaptive.spec.taskManager.replicas = 1;
    adaptive.spec.flinkConfiguration[key] = value;
    expect(parseAppSpec(yamlOf(adaptive)).ok).toBe(true);
  }
  manifest.spec.taskManager.replicas = 2;
  expect(parseAppSpec(yamlOf(manifest)).ok).toBe(true);
});
