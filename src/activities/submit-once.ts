/**
 * One job submission from an uploaded jar (`POST /jars/:jarid/run`) with our job id, at most once: not
 * when Flink already knows the job id (a retried submit never starts a second job), and a run whose
 * answer was lost (or refused as a duplicate id) counts as submitted when Flink then knows the id.
 * Shared by blue/green generations (generation.ts) and session jobs (session-job.ts).
 */
import type { FlinkRestClient } from '../flink';
import type { JarRunInput } from '../flink/version';
import type { AppSpec } from '../spec/types';
import type { SubmittedJob } from './types';

/** The run's fields from the spec's job, our job id and the restore. */
export function jarRunOf(input: {
  jarId: string;
  spec: AppSpec;
  jobId: string;
  restore?: { path: string; allowNonRestoredState: boolean };
}): JarRunInput {
  const { spec, restore } = input;
  return {
    jarId: input.jarId,
    ...(spec.job.entryClass !== undefined ? { entryClass: spec.job.entryClass } : {}),
    programArgs: spec.job.args,
    parallelism: spec.job.parallelism,
    jobId: input.jobId,
    ...(restore ? { savepointPath: restore.path, allowNonRestoredState: restore.allowNonRestoredState } : {}),
  };
}

/** Runs `run()` (its jar id staged) unless Flink knows `jobId`; see the module comment. */
export async function submitOnce(
  flink: FlinkRestClient,
  jobId: string,
  run: () => Promise<JarRunInput>,
  signal?: AbortSignal,
): Promise<SubmittedJob> {
  const known = async () => (await flink.listJobs(signal ? { signal } : undefined)).some((j) => j.id === jobId);
  if (await known()) return { jobId, submitted: false };
  const body = await run();
  try {
    await flink.runJar(body, signal ? { signal } : undefined);
  } catch (err) {
    // A duplicate job id (our earlier attempt landed, its answer lost) is the job we wanted.
    if (await known().catch(() => false)) return { jobId, submitted: false };
    throw err;
  }
  return { jobId, submitted: true };
}
