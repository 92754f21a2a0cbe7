/** Flink versions: parsing `flinkVersion: v2_2` and comparing. */
import type { FlinkVersion } from './types';

/** The oldest Flink version flink-deploy deploys. */
export const oldestSupportedFlinkVersion: FlinkVersion = { major: 1, minor: 18 };

/** Parses `v1_20` / `v2_2` into major/minor; undefined when it is not of that form. */
export function parseFlinkVersion(value: string): FlinkVersion | undefined {
  const match = /^v(\d+)_(\d+)$/.exec(value);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/** True when `version` is at least `other`. */
export function isAtLeast(version: FlinkVersion, other: FlinkVersion): boolean {
  return version.major !== other.major ? version.major > other.major : version.minor >= other.minor;
}

/** True for a version flink-deploy supports (1.18 … 1.x, 2.x). */
export function isSupportedFlinkVersion(version: FlinkVersion): boolean {
  return isAtLeast(version, oldestSupportedFlinkVersion) && version.major <= 2;
}

/** `v2_2` again, for messages. */
export function formatFlinkVersion(version: FlinkVersion): string {
  return `v${version.major}_${version.minor}`;
}
