/**
 * Flink versions and the request bodies that differ between them (1.18 … 2.x).
 */
import type { ClaimMode, JarRunRequestDto } from './dto';

/** A parsed Flink version, e.g. 2.3.0. */
export interface RunningFlinkVersion {
  major: number;
  minor: number;
  patch: number;
  /** As Flink reports it, e.g. `2.3.0` or `1.20-SNAPSHOT`. */
  raw: string;
}

/** Parses `flink-version` of `/config` or `/overview`; throws on a value that is no version. */
export function parseRunningFlinkVersion(raw: string): RunningFlinkVersion {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(raw.trim());
  if (!m) throw new Error(`not a Flink version: ${JSON.stringify(raw)}`);
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), raw };
}

/** True when `version` is at least `major.minor`. */
export function runsAtLeast(version: RunningFlinkVersion, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

/** Input of {@link jarRunBody}: one job submission from an uploaded jar. */
export interface JarRunInput {
  jarId: string;
  entryClass?: string;
  programArgs?: readonly string[];
  parallelism?: number;
  /** Always pass one: Flink's default all-zero id collides across runs. */
  jobId?: string;
  savepointPath?: string;
  allowNonRestoredState?: boolean;
  /** @default Flink's default (NO_CLAIM) */
  claimMode?: ClaimMode;
  flinkConfiguration?: Readonly<Record<string, string>>;
}

/** The `/jars/:jarid/run` body for a Flink version: `claimMode` from 1.20 on, `restoreMode` before. */
export function jarRunBody(version: RunningFlinkVersion, input: JarRunInput): JarRunRequestDto {
  const body: JarRunRequestDto = {
    entryClass: input.entryClass,
    programArgsList: input.programArgs ? [...input.programArgs] : undefined,
    parallelism: input.parallelism,
    jobId: input.jobId,
    savepointPath: input.savepointPath,
    allowNonRestoredState: input.allowNonRestoredState,
    flinkConfiguration: input.flinkConfiguration ? { ...input.flinkConfiguration } : undefined,
  };
  if (input.claimMode) {
    if (runsAtLeast(version, 1, 20)) body.claimMode = input.claimMode;
    else body.restoreMode = input.claimMode;
  }
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as JarRunRequestDto;
}
