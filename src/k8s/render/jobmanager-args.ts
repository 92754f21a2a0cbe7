/** The JobManager's `standalone-job` command line. */
import type { AppSpec } from '../../spec';

/** Jars in this folder are on Flink's user classpath already (no `--jars` needed). */
export const usrlibDir = '/opt/flink/usrlib/';

/** The restore point of a deploy: a savepoint or retained checkpoint. */
export interface RestoreInput {
  path: string;
  allowNonRestoredState: boolean;
}

/**
 * `standalone-job --job-id <id> [--jars <uri>] [--job-classname C] [--fromSavepoint P
 * [--allowNonRestoredState]] [-- job args]`. `--jars` is left out for `local:///opt/flink/usrlib/…`
 * jars; other URIs (local, http(s), s3, …) are fetched by Flink's artifact fetcher. The job's args
 * follow `--`: without it Flink's parser reads a leading arg it knows as its own (measured on 1.18, 1.20
 * and 2.3: `-n` turned allowNonRestoredState on, `-s P` restored from P, `-D k=v` set configuration).
 */
export function jobManagerArgs(input: { spec: AppSpec; jobId: string; restore?: RestoreInput }): string[] {
  const { job } = input.spec;
  const inUsrlib =
    job.jarURI.startsWith(`local://${usrlibDir}`) && !job.jarURI.slice(`local://${usrlibDir}`.length).includes('/');
  return [
    'standalone-job',
    '--job-id',
    input.jobId,
    ...(inUsrlib ? [] : ['--jars', job.jarURI]),
    ...(job.entryClass !== undefined ? ['--job-classname', job.entryClass] : []),
    ...(input.restore
      ? [
          '--fromSavepoint',
          input.restore.path,
          ...(input.restore.allowNonRestoredState ? ['--allowNonRestoredState'] : []),
        ]
      : []),
    ...(job.args.length > 0 ? ['--', ...job.args] : []),
  ];
}
