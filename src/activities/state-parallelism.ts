/**
 * The max parallelism of the state (docs/spec.md, "Pre-flight"): Flink restores a job vertex's state only at a
 * parallelism up to the max parallelism the state was written with, and finds out as the new job restores, after
 * the old job stopped (then the automatic rollback). So before an upgrade that keeps state, the running job's
 * vertices that hold state in its latest completed checkpoint or savepoint, and run at the job's parallelism, are
 * held to their max parallelism. Vertices without state, or at a parallelism of their own, are not; nor a job with
 * the adaptive scheduler or reactive mode (they run at most at the max parallelism), nor one without a completed
 * checkpoint or savepoint to tell which vertices hold state.
 */
import { Context } from '@temporalio/activity';
import type { DeployStateRecord } from '../k8s/state-record/types';
import { FailureType } from '../contract/failures';
import type { CallOptions, FlinkRestClient } from '../flink';
import { maxParallelismKey } from '../spec/count-limits';
import { runsWithSlotsThereAre } from '../spec/scheduler';
import type { AppSpec } from '../spec/types';
import { fail } from './failures';
import { activitySignal } from './poll';

/** A vertex of the running job that holds state. */
export interface StatefulVertex {
  name: string;
  parallelism: number;
  maxParallelism: number;
}

/** What the running job's latest completed checkpoint or savepoint says of its vertices. */
export interface LatestState {
  jobId: string;
  checkpoint: { id: number; savepoint: boolean };
  vertices: StatefulVertex[];
}

/** The vertices with state of `jobId` in its latest completed checkpoint or savepoint; none known: undefined. */
export async function statefulVertices(
  flink: FlinkRestClient,
  jobId: string,
  options: CallOptions = {},
): Promise<LatestState | undefined> {
  const statistics = await flink.checkpointStatistics(jobId, options);
  const latest = [statistics.latest.completed, statistics.latest.savepoint]
    .filter((c) => c !== null)
    .sort((a, b) => b.id - a.id)[0];
  if (!latest) return undefined;
  const [details, job] = await Promise.all([
    flink.checkpointDetails(jobId, latest.id, options),
    flink.jobDetails(jobId, options),
  ]);
  const vertices = job.vertices.flatMap((v) =>
    (details.tasks[v.id]?.state_size ?? 0) > 0 && v.maxParallelism !== undefined
      ? [{ name: v.name, parallelism: v.parallelism, maxParallelism: v.maxParallelism }]
      : [],
  );
  return { jobId, checkpoint: { id: latest.id, savepoint: latest.is_savepoint }, vertices };
}

/** `pipeline.max-parallelism` as the spec sets it; not set (or unreadable): undefined. */
function configuredMax(spec: AppSpec): number | undefined {
  const value = Number(spec.flinkConfiguration[maxParallelismKey]);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/** Whether the max parallelism both specs set changes: Flink restores state only under the one it was written with. */
function maxChanges(deployed: AppSpec, desired: AppSpec): boolean {
  const [was, now] = [configuredMax(deployed), configuredMax(desired)];
  return was !== undefined && now !== undefined && was !== now;
}

/** Whether the upgrade from `deployed` to `desired` keeps state at a parallelism Flink would hold to the state's. */
export function holdsStateParallelism(deployed: AppSpec, desired: AppSpec): boolean {
  return (
    desired.job.upgradeMode !== 'stateless' &&
    (desired.job.parallelism > deployed.job.parallelism || maxChanges(deployed, desired)) &&
    !runsWithSlotsThereAre(deployed.flinkConfiguration) &&
    !runsWithSlotsThereAre(desired.flinkConfiguration)
  );
}

/**
 * Why Flink would refuse to restore the state under `desired`, in words ending with what to do: a parallelism
 * over the max parallelism a vertex's state was written with, or a `pipeline.max-parallelism` set to another
 * value than the one the state was written with (of the vertices that took it from that key).
 */
export function stateParallelismProblem(deployed: AppSpec, desired: AppSpec, state: LatestState): string | undefined {
  const kind = state.checkpoint.savepoint ? 'savepoint' : 'checkpoint';
  const where = `as its latest ${kind} ${state.checkpoint.id} holds it`;
  const following = state.vertices.filter((v) => v.parallelism === deployed.job.parallelism);
  const was = configuredMax(deployed);
  const now = configuredMax(desired);
  if (maxChanges(deployed, desired)) {
    const keyed = following.filter((v) => v.maxParallelism === was);
    if (keyed.length > 0)
      return (
        `${maxParallelismKey} ${now} is not the ${was} the state of job ${state.jobId} was written with ` +
        `(${keyed.map((v) => `"${v.name}"`).join(', ')}, ${where}). Flink restores state only under the max ` +
        'parallelism it was written with, and would say so only after the old job stopped. Keep ' +
        `${maxParallelismKey}: ${was} (or remove it: Flink then takes the state's), or upgrade with upgradeMode: ` +
        'stateless to start without the state (nothing was changed)'
      );
  }
  const to = desired.job.parallelism;
  const over = following.filter((v) => to > v.maxParallelism);
  if (over.length === 0) return undefined;
  const least = Math.min(...over.map((v) => v.maxParallelism));
  const which = over.map((v) => `"${v.name}" (max parallelism ${v.maxParallelism})`).join(', ');
  return (
    `spec.job.parallelism ${to} is over the max parallelism the state of job ${state.jobId} was written with: ` +
    `${which}, ${where}. Flink refuses to restore state at a parallelism above it, and ` +
    `would say so only after the old job stopped. Set spec.job.parallelism to ${least} or less, or take the job ` +
    'to a larger max parallelism by rewriting its state (e.g. with the State Processor API), or upgrade with ' +
    'upgradeMode: stateless to start without the state (nothing was changed)'
  );
}

/** Each of the check's reads of Flink: the two rounds stay well inside the activities' heartbeat timeout (20 s). */
const stateReadTimeoutMs = 5_000;

/**
 * Refuses (InvalidSpec) `spec`'s parallelism when the running job its record names could not be restored at it.
 * A check it cannot make (no completed checkpoint or savepoint, Flink not answering within its bound) lets the
 * upgrade go on, as it went before the check. `scheduler`: the cluster's configuration too (a session job's).
 */
export async function refuseOverStateParallelism(input: {
  spec: AppSpec;
  record: Pick<DeployStateRecord<AppSpec>, 'status' | 'jobId' | 'lastAppliedSpec'> | undefined;
  flink: () => Promise<FlinkRestClient>;
  what: string;
  scheduler?: Record<string, string>;
}): Promise<void> {
  const { spec, record, what } = input;
  const deployed = record?.lastAppliedSpec;
  const jobId = record?.jobId;
  if (record?.status !== 'running' || !deployed || !jobId || !holdsStateParallelism(deployed, spec)) return;
  if (input.scheduler && runsWithSlotsThereAre(input.scheduler)) return;
  const state = await input
    .flink()
    .then((flink) => statefulVertices(flink, jobId, { signal: activitySignal(), timeoutMs: stateReadTimeoutMs }))
    .catch((err: unknown) => {
      Context.current().log.warn(`${what}: the state's max parallelism not checked: ${String(err)}`);
      return undefined;
    });
  const problem = state && stateParallelismProblem(deployed, spec, state);
  if (problem) throw fail(FailureType.InvalidSpec, `${what}: ${problem}`);
}
