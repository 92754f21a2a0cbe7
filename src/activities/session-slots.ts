/**
 * The slots a session cluster's other jobs take (issue 16; docs/spec.md, "Session jobs"): what its JobManager
 * says, job by job. Every job not ended asks the slots of its largest vertex (one slot sharing group), whether
 * it holds them yet or not: a job submitted a moment ago and still waiting for its slots, or one restarting
 * while its TaskManager comes back, holds none but takes them as soon as they are free. Held slots count too
 * (`GET /overview`), less this job's own: a job with more than one slot sharing group holds more than it asks.
 * A job of this application's own (the record's job id) gives its slots back first: an upgrade or rollback
 * stops it before the new one starts.
 */
import { hasErrorCode } from '../contract/errors';
import { FlinkErrorCode, FlinkJobState, type FlinkRestClient } from '../flink';
import type { AppSpec } from '../spec/types';
import type { ActivityDeps } from './deps';
import { activitySignal } from './poll';

/** The job states that hold and ask no slot. */
const endedStates: readonly string[] = [
  FlinkJobState.Finished,
  FlinkJobState.Canceled,
  FlinkJobState.Failed,
  FlinkJobState.Suspended,
];

/** The slots job `jobId` asks (its largest vertex's parallelism); 0 when it ended or Flink no longer knows it. */
async function slotsAsked(flink: FlinkRestClient, jobId: string, signal: AbortSignal): Promise<number> {
  const details = await flink.jobDetails(jobId, { signal }).catch((err: unknown) => {
    if (hasErrorCode(err, FlinkErrorCode.NotFound)) return undefined;
    throw err;
  });
  if (!details || endedStates.includes(details.state)) return 0;
  return Math.max(0, ...details.vertices.map((v) => v.parallelism));
}

/** The slots the other jobs of the cluster `flink` answers for hold or ask (those of `spec`'s own job left out). */
export async function slotsOfOtherJobs(deps: ActivityDeps, flink: FlinkRestClient, spec: AppSpec): Promise<number> {
  const signal = activitySignal();
  const own = (await deps.kube.records.readRecord<AppSpec>(spec.namespace, spec.name))?.record.jobId;
  const overview = await flink.overview({ signal });
  const held = overview['slots-total'] - overview['slots-available'];
  let asked = 0;
  let ownAsked = 0;
  for (const job of await flink.listJobs({ signal })) {
    if (endedStates.includes(job.status)) continue;
    const slots = await slotsAsked(flink, job.id, signal);
    if (job.id === own) ownAsked = slots;
    else asked += slots;
  }
  return Math.max(asked, held - ownAsked, 0);
}
