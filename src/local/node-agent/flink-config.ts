/**
 * Flink configuration files as flat key → value maps: read (nested or flat YAML, Flink 2.x
 * `config.yaml`), merge, write (flat keys, which Flink 2.x reads as they are).
 */
import fs from 'node:fs';
import YAML from 'yaml';

/** A Flink configuration with flat (dotted) keys. */
export type FlinkConfig = Map<string, unknown>;

/** Flattens nested maps into dotted keys; lists and scalars stay values. */
export function flattenConfig(value: unknown, prefix = '', into: FlinkConfig = new Map()): FlinkConfig {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      flattenConfig(child, prefix ? `${prefix}.${key}` : key, into);
    }
  } else if (prefix) {
    into.set(prefix, value);
  }
  return into;
}

/** Reads a Flink config file; a missing file is an empty config. */
export function readFlinkConfig(file: string): FlinkConfig {
  if (!fs.existsSync(file)) return new Map();
  const parsed: unknown = YAML.parse(fs.readFileSync(file, 'utf8'));
  return flattenConfig(parsed ?? {});
}

/** Writes `config` as flat YAML. */
export function writeFlinkConfig(file: string, config: FlinkConfig): void {
  const body = Object.fromEntries([...config.entries()].sort(([a], [b]) => a.localeCompare(b)));
  fs.writeFileSync(file, `# written by the flink-deploy node agent\n${YAML.stringify(body)}`);
}

/**
 * Parses FLINK_PROPERTIES as the official image does: one `key: value` per line, appended to
 * the config (so it overrides the file).
 */
export function parseFlinkProperties(text: string | undefined): FlinkConfig {
  const config: FlinkConfig = new Map();
  for (const line of (text ?? '').split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const colon = trimmed.indexOf(':');
    if (colon <= 0) continue;
    config.set(trimmed.slice(0, colon).trim(), trimmed.slice(colon + 1).trim());
  }
  return config;
}

/** Maps each string in a value (also inside lists) through `fn`. */
export function mapStrings(value: unknown, fn: (text: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  return value;
}
