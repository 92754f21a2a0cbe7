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

/**
 * The Flink versions whose lifecycle runs in this repository's tests on the local stack: 1.20
 * (test/e2e/flink-1-20.test.ts: deploy, savepoint upgrade, suspend/resume, rollback), 2.2 (the
 * Apache operator's basic.yaml, test/long/operator-basic.test.ts) and 2.3 (every other e2e test).
 * Other supported versions are accepted and untested.
 */
export const testedFlinkVersions: readonly FlinkVersion[] = [
  { major: 1, minor: 20 },
  { major: 2, minor: 2 },
  { major: 2, minor: 3 },
];

/** True for a version in {@link testedFlinkVersions}. */
export function isTestedFlinkVersion(version: FlinkVersion): boolean {
  return testedFlinkVersions.some((v) => v.major === version.major && v.minor === version.minor);
}

/** What validate and plan say of a version: `tested here` or `not tested here (tested: 1.20, 2.2, 2.3)`. */
export function flinkVersionTesting(version: FlinkVersion): string {
  if (isTestedFlinkVersion(version)) return 'tested here';
  return `not tested here (tested: ${testedFlinkVersions.map((v) => `${v.major}.${v.minor}`).join(', ')})`;
}

const OFFICIAL_IMAGE = /^(?:(?:docker\.io\/)?library\/|(?:docker\.io\/)?apache\/)?flink:(\d+)\.(\d+)(?:[.-]|$)/;

/** The Flink version an official image tag names (`flink:1.20`, `apache/flink:2.2.0-java17`); else undefined. */
export function imageFlinkVersion(image: string): FlinkVersion | undefined {
  const match = OFFICIAL_IMAGE.exec(image);
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}
