/**
 * Values Flink cannot read (docs/spec.md, "Refused because Flink would fail"): a flinkConfiguration key that
 * Flink types as a boolean, an integer, a duration, a memory size or an enum (src/spec/flink-option-types.ts,
 * read from Flink's own ConfigOptions), set to a value its parser refuses. Flink would fail as the process or
 * the job reads it: after an upgrade had stopped the old job. Each option is read as the manifest's Flink minor
 * version types it (Flink 1.18 and 1.19 read `heartbeat.timeout` as milliseconds, 1.20 on as a duration; an option
 * that version does not have is not checked: Flink ignores it). Values are trimmed and enums read in any case, so a
 * refusal is only where Flink refuses.
 * Pure: safe in workflow code and the CLI.
 */
import { parseFlinkDurationMs } from './durations';
import { flinkOptionTypes, type FlinkOptionType } from './flink-option-types';
import { isAtLeast } from './flink-version';
import { jobLevelOptions, jobLevelOptionsVersion } from './job-level-options';
import { SpecIssueCode, type FlinkVersion, type SpecIssue } from './types';

/** The type `version` gives `key`: the table's last change at or before it; undefined where it has none. */
export function optionType(key: string, version: FlinkVersion): FlinkOptionType | undefined {
  if (!Object.hasOwn(flinkOptionTypes, key)) return undefined;
  let type: FlinkOptionType | null = null;
  for (const [since, typeSince] of flinkOptionTypes[key]!) {
    const [major = 0, minor = 0] = since.split('.').map(Number);
    if (isAtLeast(version, { major, minor })) type = typeSince;
  }
  return type ?? undefined;
}

const memoryUnits: Record<string, bigint> = {};
for (const [labels, exponent] of [
  [['', 'b', 'bytes'], 0n],
  [['k', 'kb', 'kibibytes'], 10n],
  [['m', 'mb', 'mebibytes'], 20n],
  [['g', 'gb', 'gibibytes'], 30n],
  [['t', 'tb', 'tebibytes'], 40n],
] as const)
  for (const label of labels) memoryUnits[label] = 2n ** exponent;

const longMax = 2n ** 63n - 1n;

/** Flink's `MemorySize.parse`: whole digits, then an optional unit (any case), within a 64-bit count of bytes. */
function readsAsMemory(text: string): boolean {
  const [, digits = '', unit = ''] = /^(\d*)(.*)$/s.exec(text)!;
  const name = unit.trim().toLowerCase();
  const multiplier = Object.hasOwn(memoryUnits, name) ? memoryUnits[name] : undefined;
  return digits !== '' && multiplier !== undefined && BigInt(digits) * multiplier <= longMax;
}

/** Java's `Integer.parseInt` / `Long.parseLong` of `text`, within `bits`. */
function readsAsInteger(text: string, bits: bigint): boolean {
  if (!/^[+-]?\d+$/.test(text)) return false;
  const value = BigInt(text);
  return value >= -(2n ** (bits - 1n)) && value < 2n ** (bits - 1n);
}

/** The first Flink version that reads ISO-8601 durations (`PT10S`). */
const isoDurationsSince: FlinkVersion = { major: 2, minor: 1 };

function reads(type: FlinkOptionType, text: string, version: FlinkVersion): boolean {
  if (typeof type !== 'string') return type.some((value) => value.toLowerCase() === text.toLowerCase());
  switch (type) {
    case 'boolean':
      return /^(true|false)$/i.test(text);
    case 'int':
      return readsAsInteger(text, 32n);
    case 'long':
      return readsAsInteger(text, 64n);
    case 'duration':
      return parseFlinkDurationMs(text, isAtLeast(version, isoDurationsSince)) !== undefined;
    case 'memory':
      return readsAsMemory(text);
  }
}

function expected(type: FlinkOptionType, version: FlinkVersion): string {
  if (typeof type !== 'string') return `one of ${type.join(', ')} (any case)`;
  if (type === 'duration' && !isAtLeast(version, isoDurationsSince))
    return 'a duration (a whole number with a unit: 10s, 1min, 500ms)';
  return {
    boolean: 'true or false',
    int: 'a whole number (32-bit)',
    long: 'a whole number (64-bit)',
    duration: 'a duration (a whole number with a unit: 10s, 1min, 500ms; or ISO-8601: PT10S)',
    memory: 'a memory size (a whole number with a unit: 512m, 1g, 1024kb)',
  }[type];
}

/** The options of `config` set to a value Flink `version` cannot read. */
export function optionValueIssues(
  config: Readonly<Record<string, string>>,
  version: FlinkVersion,
  configPath: string,
): SpecIssue[] {
  return Object.entries(config).flatMap(([key, value]) => {
    const type = optionType(key, version);
    if (type === undefined || reads(type, value.trim(), version)) return [];
    const what = expected(type, version);
    return [
      {
        code: SpecIssueCode.InvalidValue,
        path: `${configPath}["${key}"]`,
        message: `${key} is ${JSON.stringify(value)}: Flink reads ${what}, and would fail as it reads it`,
        hint: `Set ${key} to ${what}, or remove it.`,
      },
    ];
  });
}

/** The Flink version a session job's values are read as: the one the job-level options were measured on. */
const [jobMajor = 0, jobMinor = 0] = jobLevelOptionsVersion.split('.').map(Number);

/**
 * The options of a FlinkSessionJob's configuration Flink reads with the job (src/spec/job-level-options.ts), set to
 * a value it cannot read: its jar run would be refused, after an upgrade stopped the old job. The cluster's own
 * options there Flink ignores, and so does this check. The manifest does not say the cluster's Flink version (its
 * record does, read later): values are read as the version the list was measured on, the table's newest, reads them.
 */
export function jobOptionValueIssues(config: Readonly<Record<string, string>>, configPath: string): SpecIssue[] {
  const jobLevel = Object.fromEntries(Object.entries(config).filter(([key]) => jobLevelOptions.has(key)));
  return optionValueIssues(jobLevel, { major: jobMajor, minor: jobMinor }, configPath);
}
