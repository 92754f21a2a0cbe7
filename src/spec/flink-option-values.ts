/**
 * Values Flink cannot read (docs/spec.md, "Refused because Flink would fail"): a flinkConfiguration key that
 * Flink types as a boolean, an integer, a duration, a memory size or an enum (src/spec/flink-option-types.ts,
 * read from Flink's own ConfigOptions), set to a value its parser refuses. Flink would fail as the process or
 * the job reads it: after an upgrade had stopped the old job. Flink 2.x only (the table is Flink 2's; a 1.x key
 * may have another type). Values are trimmed and enums read in any case, so a refusal is only where Flink refuses.
 * Pure: safe in workflow code and the CLI.
 */
import { parseFlinkDurationMs } from './durations';
import { flinkOptionTypes, type FlinkOptionType } from './flink-option-types';
import { SpecIssueCode, type FlinkVersion, type SpecIssue } from './types';

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
  const multiplier = memoryUnits[unit.trim().toLowerCase()];
  return digits !== '' && multiplier !== undefined && BigInt(digits) * multiplier <= longMax;
}

/** Java's `Integer.parseInt` / `Long.parseLong` of `text`, within `bits`. */
function readsAsInteger(text: string, bits: bigint): boolean {
  if (!/^[+-]?\d+$/.test(text)) return false;
  const value = BigInt(text);
  return value >= -(2n ** (bits - 1n)) && value < 2n ** (bits - 1n);
}

function reads(type: FlinkOptionType, text: string): boolean {
  if (typeof type !== 'string') return type.some((value) => value.toLowerCase() === text.toLowerCase());
  switch (type) {
    case 'boolean':
      return /^(true|false)$/i.test(text);
    case 'int':
      return readsAsInteger(text, 32n);
    case 'long':
      return readsAsInteger(text, 64n);
    case 'duration':
      return parseFlinkDurationMs(text) !== undefined;
    case 'memory':
      return readsAsMemory(text);
  }
}

function expected(type: FlinkOptionType): string {
  if (typeof type !== 'string') return `one of ${type.join(', ')} (any case)`;
  return {
    boolean: 'true or false',
    int: 'a whole number (32-bit)',
    long: 'a whole number (64-bit)',
    duration: 'a duration (a whole number with a unit: 10s, 1min, 500ms; or ISO-8601: PT10S)',
    memory: 'a memory size (a whole number with a unit: 512m, 1g, 1024kb)',
  }[type];
}

/** The options of `config` set to a value Flink cannot read; Flink 1.x: none (not checked). */
export function optionValueIssues(
  config: Readonly<Record<string, string>>,
  version: FlinkVersion,
  configPath: string,
): SpecIssue[] {
  if (version.major < 2) return [];
  return Object.entries(config).flatMap(([key, value]) => {
    const type = Object.hasOwn(flinkOptionTypes, key) ? flinkOptionTypes[key] : undefined;
    if (type === undefined || reads(type, value.trim())) return [];
    return [
      {
        code: SpecIssueCode.InvalidValue,
        path: `${configPath}["${key}"]`,
        message: `${key} is ${JSON.stringify(value)}: Flink reads ${expected(type)}, and would fail as it reads it`,
        hint: `Set ${key} to ${expected(type)}, or remove it.`,
      },
    ];
  });
}
