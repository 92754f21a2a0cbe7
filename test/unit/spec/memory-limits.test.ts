/**
 * A process memory Flink's own memory model refuses as the process starts is refused when the manifest is read.
 * The bounds (JobManager 576m refused, 577m taken; TaskManager 981m refused, 982m taken) were measured with
 * Flink 2.3's start-script check: `java -cp 'bin/bash-java-utils.jar:lib/*'
 * org.apache.flink.runtime.util.bash.BashJavaUtils GET_TM_RESOURCE_PARAMS --configDir <empty config.yaml>
 * -D taskmanager.memory.process.size=981m` (and GET_JM_RESOURCE_PARAMS for the JobManager).
 */
import { parseAppSpec, type SpecIssue } from '../../../src/spec';
import { leastMemoryMiB } from '../../../src/spec/memory-limits';
import { baseManifest, yamlOf, type LooseManifest } from './manifest-fixtures';

function issuesOf(manifest: LooseManifest): SpecIssue[] {
  const result = parseAppSpec(yamlOf(manifest));
  return result.ok ? [] : result.issues;
}

it("the least memories are the ones Flink's start scripts take", () => {
  expect(leastMemoryMiB('jobmanager')).toBe(577);
  expect(leastMemoryMiB('taskmanager')).toBe(982);
});

it('a TaskManager below 982m is refused, naming the field it came from and what to do; 982m is taken', () => {
  const manifest = baseManifest();
  manifest.spec.taskManager = { resource: { cpu: 1, memory: '981m' } };
  expect(issuesOf(manifest)).toEqual([
    expect.objectContaining({
      path: 'spec.taskManager.resource.memory',
      message: expect.stringContaining('a TaskManager of 981m is below the 982m Flink needs'),
      hint: expect.stringContaining('Set spec.taskManager.resource.memory to 982m or more'),
    }),
  ]);
  manifest.spec.taskManager.resource.memory = '982m';
  expect(issuesOf(manifest)).toEqual([]);
});

it('a JobManager of 576m is refused and 577m taken; "1m" names resources.requests when the memory is there', () => {
  const manifest = baseManifest();
  manifest.spec.jobManager = { resources: { requests: { memory: '1m' } } };
  expect(issuesOf(manifest)).toEqual([
    expect.objectContaining({
      path: 'spec.jobManager.resources.requests.memory',
      message: expect.stringContaining('a JobManager of 1m is below the 577m'),
    }),
  ]);
  manifest.spec.jobManager = { resource: { memory: '576Mi' } };
  expect(issuesOf(manifest)).toEqual([
    expect.objectContaining({ path: 'spec.jobManager.resource.memory', message: expect.stringContaining('576m') }),
  ]);
  manifest.spec.jobManager = { resource: { memory: '577Mi' } };
  expect(issuesOf(manifest)).toEqual([]);
});

it('a memory from flinkConfiguration names that key', () => {
  const manifest = baseManifest();
  delete manifest.spec.taskManager;
  manifest.spec.flinkConfiguration['taskmanager.memory.process.size'] = '512m';
  expect(issuesOf(manifest)).toEqual([
    expect.objectContaining({ path: 'spec.flinkConfiguration["taskmanager.memory.process.size"]' }),
  ]);
});

it("with a finer memory option of a process set, Flink alone judges it (the other's is still checked)", () => {
  const manifest = baseManifest();
  manifest.spec.taskManager = { resource: { memory: '512m' } };
  manifest.spec.jobManager = { resource: { memory: '512m' } };
  manifest.spec.flinkConfiguration['taskmanager.memory.managed.fraction'] = '0.1';
  expect(issuesOf(manifest)).toEqual([expect.objectContaining({ path: 'spec.jobManager.resource.memory' })]);
});

it('the defaults (JobManager 768m, TaskManager 1024m) are taken', () => {
  const manifest = baseManifest();
  delete manifest.spec.jobManager;
  delete manifest.spec.taskManager;
  expect(issuesOf(manifest)).toEqual([]);
});
