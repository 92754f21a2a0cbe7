/**
 * The option-value check against Flink itself: the table of option types is the one Flink's jar gives today
 * (scripts/flink-options/generate.sh), and for values of every type, what Flink's own Configuration reads is
 * never refused, and what it refuses is refused too (only surrounding spaces, which flink-deploy forgives, differ).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { flinkOptionTypes, flinkOptionTypesVersion } from '../../../src/spec/flink-option-types';
import { optionValueIssues } from '../../../src/spec/flink-option-values';
import { stack } from '../../support/stack';

const lib = path.join(stack.flinkHome, 'lib');
const dist = path.join(
  lib,
  readdirSync(lib).find((f) => f.startsWith('flink-dist-'))!,
);
const java = (source: string, args: string[], input?: string) =>
  execFileSync('java', ['-cp', `${lib}/*`, path.join(stack.root, source), ...args], {
    cwd: mkdtempSync(path.join(tmpdir(), 'flink-options-')),
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'ignore'],
  });

test("the table is the stack's Flink's: every typed option, its type and its enum values", () => {
  expect(flinkOptionTypesVersion).toBe(stack.flinkVersion);
  const listed = JSON.parse(java('scripts/flink-options/ListOptions.java', [dist])) as Record<string, unknown>;
  expect(Object.keys(listed).length).toBeGreaterThan(500);
  expect(flinkOptionTypes).toEqual(listed);
});

test('what Flink reads is taken and what it refuses is refused, for values of every type', () => {
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
    'state.backend.rocksdb.timer-service.factory': ['heap', 'ROCKSDB', 'rocks'],
  };
  for (const [key, list] of Object.entries(values)) for (const value of list) samples.push([key, value]);
  const verdicts = java(
    'test/integration/flink/ReadOptions.java',
    [dist],
    samples.map(([k, v]) => `${k}\t${v}\n`).join(''),
  )
    .trim()
    .split('\n');
  expect(verdicts).toHaveLength(samples.length);
  const disagreements = samples.flatMap(([key, value], i) => {
    const ours = optionValueIssues({ [key]: value }, { major: 2, minor: 3 }, 'c').length ? 'refused' : 'read';
    return ours === verdicts[i] ? [] : [`${key}: ${JSON.stringify(value)}: Flink ${verdicts[i]}, flink-deploy ${ours}`];
  });
  expect(disagreements).toEqual([]);
  // Both verdicts occur for every key: the samples test the line between them.
  for (const key of Object.keys(values)) {
    const seen = new Set(samples.flatMap(([k], i) => (k === key ? [verdicts[i]] : [])));
    expect([key, [...seen].sort()]).toEqual([key, ['read', 'refused']]);
  }
});
