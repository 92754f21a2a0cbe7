/**
 * The option-value check against Flink itself, on two versions whose types differ (the stack's 2.3 and 1.19, from
 * PyPI as scripts/flink-options/generate.sh installs it): the table gives each the types its jar lists today, and for
 * values of every type, what that Flink's own Configuration reads is never refused, and what it refuses is refused
 * too (only surrounding spaces, which flink-deploy forgives, differ). And the options a session job's jar run reads,
 * on the stack's Flink, are those src/spec/job-level-options.ts lists.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipInstaller } from '../../../src/local/node-agent/image-store';
import { flinkOptionTypes, flinkOptionTypesVersions } from '../../../src/spec/flink-option-types';
import { optionType, optionValueIssues } from '../../../src/spec/flink-option-values';
import { jobLevelOptions, jobLevelOptionsVersion } from '../../../src/spec/job-level-options';
import type { FlinkVersion } from '../../../src/spec/types';
import { stack } from '../../support/stack';

/** A Flink distribution of the table's: the stack's, or one from PyPI into .stack/flink-options (as generate.sh). */
async function flinkHome(version: string): Promise<string> {
  if (version === stack.flinkVersion) return stack.flinkHome;
  const target = path.join(stack.dir, 'flink-options', version);
  if (!existsSync(path.join(target, 'pyflink', 'bin', 'jobmanager.sh'))) {
    const partial = `${target}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    await pipInstaller(path.join(stack.dir, 'venv', 'bin', 'pip'))({ requirement: version, target: partial });
    rmSync(target, { recursive: true, force: true });
    renameSync(partial, target);
  }
  return path.join(target, 'pyflink');
}

/** Runs a Java source file with `home`'s Flink jars on the class path and its flink-dist jar as argument. */
function java(home: string, source: string, input?: string): string {
  const lib = path.join(home, 'lib');
  const dist = path.join(
    lib,
    readdirSync(lib).find((f) => f.startsWith('flink-dist-'))!,
  );
  return execFileSync('java', ['-cp', `${lib}/*`, path.join(stack.root, source), dist], {
    cwd: mkdtempSync(path.join(tmpdir(), 'flink-options-')),
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'ignore'],
  });
}

const minorOf = (version: string): FlinkVersion => {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return { major, minor };
};

/** The table as one version reads it: every option it types, and how. */
const typesOf = (version: FlinkVersion) =>
  Object.fromEntries(
    Object.keys(flinkOptionTypes).flatMap((key) => {
      const type = optionType(key, version);
      return type === undefined ? [] : [[key, type]];
    }),
  );

const versions = [stack.flinkVersion, '1.19.3'];
const homes = new Map<string, string>();
beforeAll(async () => {
  for (const version of versions) homes.set(version, await flinkHome(version));
}, 600_000);

test.each(versions)("the table gives Flink %s's jar's types: every typed option, its type and its enum values", (v) => {
  expect(flinkOptionTypesVersions).toContain(v);
  const listed = JSON.parse(java(homes.get(v)!, 'scripts/flink-options/ListOptions.java')) as Record<string, unknown>;
  expect(Object.keys(listed).length).toBeGreaterThan(500);
  expect(typesOf(minorOf(v))).toEqual(listed);
});

test.each(versions)('Flink %s: what it reads is taken and what it refuses is refused, values of every type', (v) => {
  const samples: Array<[string, string]> = [];
  const values: Record<string, string[]> = {
    'pipeline.object-reuse': ['true', 'FALSE', 'True', 'yes', '1', 'on', '', 'truee'],
    'restart-strategy.fixed-delay.attempts': [
      '3',
      '-1',
      '+7',
      '2147483647',
      '2147483648',
      'three',
      '2.5',
      '1e3',
      '0x10',
    ],
    'blob.service.cleanup.interval': ['3600', '-3600', '9223372036854775807', '9223372036854775808', '1h', '12.0'],
    'execution.checkpointing.timeout': [
      '10 min',
      '600s',
      '600000',
      'PT10M',
      '1d',
      '10 MIN',
      'ten minutes',
      '1.5s',
      '-5s',
      'P',
      's10',
    ],
    'taskmanager.memory.managed.size': [
      '512m',
      '1 GB',
      '1024',
      '2g',
      '1tebibytes',
      '0',
      '64 KB',
      'lots',
      'm512',
      '1.5g',
      '1 zb',
      '9999999999999t',
      'mb',
    ],
    'execution.checkpointing.mode': [
      'EXACTLY_ONCE',
      'at_least_once',
      'Exactly_Once',
      'exactly-once',
      'EXACTLY ONCE',
      '',
    ],
    'jobmanager.scheduler': ['adaptive', 'AdaptiveBatch', 'DEFAULT', 'adaptve', 'ng'],
    // A long on 1.19, a duration on 2.3; an enum that grew.
    'heartbeat.timeout': ['50000', '50 s', 'PT50S', '-1', 'x'],
    'taskmanager.load-balance.mode': ['SLOTS', 'none', 'TASKS', 'tasks', 'balanced'],
    'state.backend.rocksdb.timer-service.factory': ['heap', 'ROCKSDB', 'rocks'],
  };
  for (const [key, list] of Object.entries(values)) for (const value of list) samples.push([key, value]);
  const input = samples.map(([key, value]) => `${key}\t${value}\n`).join('');
  const verdicts = java(homes.get(v)!, 'test/integration/flink/ReadOptions.java', input).trim().split('\n');
  expect(verdicts).toHaveLength(samples.length);
  expect(verdicts).not.toContain('unknown');
  const disagreements = samples.flatMap(([key, value], i) => {
    const ours = optionValueIssues({ [key]: value }, minorOf(v), 'c').length ? 'refused' : 'read';
    return ours === verdicts[i] ? [] : [`${key}: ${JSON.stringify(value)}: Flink ${verdicts[i]}, flink-deploy ${ours}`];
  });
  expect(disagreements).toEqual([]);
  // Both verdicts occur for every key: the samples test the line between them.
  for (const key of Object.keys(values)) {
    const seen = new Set(samples.flatMap(([k], i) => (k === key ? [verdicts[i]] : [])));
    expect([key, [...seen].sort()]).toEqual([key, ['read', 'refused']]);
  }
});

test("the options a job reads from its own configuration (a session job's) are those the stack's Flink reads", () => {
  expect(jobLevelOptionsVersion).toBe(stack.flinkVersion);
  const typed = Object.keys(typesOf(minorOf(stack.flinkVersion)));
  const read = java(homes.get(stack.flinkVersion)!, 'scripts/flink-options/JobLevelOptions.java', typed.join('\n'));
  expect(new Set(read.trim().split('\n'))).toEqual(jobLevelOptions);
  // The cluster's own options are not among them: a jar run ignores them (measured through REST, docs/spec.md).
  for (const key of ['taskmanager.memory.managed.size', 'heartbeat.timeout', 'taskmanager.numberOfTaskSlots'])
    expect(jobLevelOptions.has(key)).toBe(false);
});
