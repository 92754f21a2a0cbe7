/**
 * takeSavepoint (trigger + poll, safe to retry with the same trigger id); disposals are in dispose.ts.
 * After a crash mid stop-with-savepoint the job may already be FINISHED: then the savepoint
 * exists, and its location is read from the trigger status or the job's checkpoint stats.
 * A JobManager failover (HA: no endpoint, connection refused, 503 during the leader election, the
 * job INITIALIZING again, the trigger forgotten by the new leader) is waited out, bounded by the
 * `savepoint.failoverTimeout` setting, and the same trigger id is sent again (one savepoint per id).
 * A trigger Flink FAILED while the job was failing over (its TaskManagers cut off, the job RESTARTING) stays
 * failed in Flink: it fails with a detail saying so (savepoint-failover.ts), and the workflow may try a new
 * trigger id, recorded first (src/workflows/savepoint-retry.ts).
 * `recordFirst` (the phase entered) is written to the record before anything is asked of Flink.
 */
import { hasErrorCode } from '../contract/errors';
import { Context } from '@temporalio/activity';
import { FlinkErrorCode, isFlinkError, type FlinkRestClient, type SavepointFormatType } from '../flink';
import { FailureType, type SavepointFailoverDetail } from '../contract/failures';
import { ApplicationFailure } from '@temporalio/common';
import type { JobDetailsDto } from '../flink/dto';
import {
  failedSavepointVerdict,
  restartBySnapshot,
  type FailedSavepointLook,
  type FailedSavepointVerdict,
} from './savepoint-failover';
import { restCacheMs } from './statistics-cache';
import type { ActivityDeps } from './deps';
import { classified, fail } from './failures';
import { parseFlinkDurationMs } from '../spec/durations';
import { activitySignal, pollUntil } from './poll';
import { recordActivities } from './record';
import type { SavepointTaken, TakeSavepointInput } from './types';
import { savepointFormatOf } from '../spec/savepoint-format';
import type { AppSpec } from '../spec/types';

/** The savepoint a FINISHED (stopped) job left: the latest savepoint in its checkpoint stats. */
async function savepointOfStoppedJob(flink: FlinkRestClient, jobId: string): Promise<string | undefined> {
  const summary = await flink.checkpoints(jobId, { signal: activitySignal() });
  return summary.latestSavepoint?.externalPath;
}

/**
 * How long a savepoint Flink failed with a failover's cause, the job still RUNNING, waits for the restart to show
 * (then it is tried again by the workflow with a new trigger id); none shows: it fails as Flink said. A TaskManager
 * the JobManager cannot reach shows as lost within Flink's `heartbeat.timeout` (50 s by default): the cluster's
 * `heartbeat.timeout` and FAILOVER_LOOK_MARGIN_MS; this when the cluster does not say (Flink's default and the margin).
 */
export const FAILOVER_LOOK_MS = 60_000;
const FAILOVER_LOOK_MARGIN_MS = 10_000;

/** The look on this cluster: its `heartbeat.timeout` and the margin (FAILOVER_LOOK_MS when it cannot be read). */
async function failoverLookMs(flink: FlinkRestClient): Promise<number> {
  const config = await flink.jobManagerConfig({ signal: activitySignal() }).catch(() => undefined);
  const setting = config?.['heartbeat.timeout'];
  const heartbeat = setting === undefined ? undefined : parseFlinkDurationMs(setting);
  return heartbeat === undefined ? FAILOVER_LOOK_MS : heartbeat + FAILOVER_LOOK_MARGIN_MS;
}

/** Job states a job passes through while a new JobManager recovers it: waited for, like the failover. */
const RECOVERING_STATES: ReadonlySet<string> = new Set(['INITIALIZING', 'CREATED', 'RESTARTING', 'RECONCILING']);

/** Thrown inside one look when the JobManager is failing over: the look starts again after a pause. */
class FailoverSign extends Error {
  override readonly name = 'FailoverSign';
}

/**
 * What says the JobManager is failing over rather than answering no: "could not ask" (no ready
 * endpoint, refused or reset connections, timeouts, 5xx such as the leader election's 503), or a
 * {@link FailoverSign}. Undefined for anything else (a refusal, a cancellation).
 */
export function failoverSign(err: unknown): string | undefined {
  if (err instanceof FailoverSign) return err.message;
  if (isFlinkError(err) && err.retryable && err.code !== FlinkErrorCode.Aborted) return `${err.code}: ${err.message}`;
  return undefined;
}

export function savepointActivities(deps: ActivityDeps) {
  const records = recordActivities(deps);
  /**
   * One look at the savepoint: find the trigger, or trigger it (the job RUNNING, its tasks too), then
   * poll it to its end. Throws a {@link FailoverSign} (or a transport error) while the JobManager fails over.
   */
  /** The savepoint format the record's spec (the running job's) asks; unset: Flink's default. */
  async function recordedFormat(app: TakeSavepointInput['app']): Promise<SavepointFormatType | undefined> {
    const spec = (await deps.kube.records.readRecord<AppSpec>(app.namespace, app.name))?.record.lastAppliedSpec;
    return spec ? savepointFormatOf(spec.flinkConfiguration) : undefined;
  }

  /**
   * The failure of a trigger Flink reported FAILED: with the failover detail (a new trigger may succeed) when the
   * job shows a failover now or within `FAILOVER_LOOK_MS` (savepoint-failover.ts decides); as Flink said otherwise.
   */
  async function failedTrigger(
    flink: FlinkRestClient,
    input: TakeSavepointInput,
    what: string,
    look: Omit<FailedSavepointLook, 'job'>,
    details: JobDetailsDto,
  ): Promise<ApplicationFailure> {
    const refused = fail(FailureType.SavepointFailed, `${what} failed: ${look.cause}`);
    let verdict = failedSavepointVerdict({ ...look, job: details });
    if (verdict.kind === 'undecided') {
      const bound = Math.min(await failoverLookMs(flink), deps.config.savepointFailoverTimeoutMs);
      verdict = await pollUntil<FailedSavepointVerdict>({
        intervalMs: deps.config.pollIntervalMs,
        deadline: Date.now() + bound,
        onDeadline: () => refused,
        check: async () => {
          const job = await flink.jobDetails(input.jobId, { signal: activitySignal() });
          const next = failedSavepointVerdict({ ...look, job });
          return next.kind === 'undecided'
            ? { done: false, seen: `savepoint trigger failed (${look.cause}); ${next.seen}` }
            : { done: true, value: next };
        },
      });
    }
    if (verdict.kind !== 'failover') return refused;
    // Did the savepoint itself fail the job? Flink's exception history says (read past its cache's lifetime).
    await Context.current().sleep((await restCacheMs(flink, activitySignal())) + 250);
    const history = await flink.jobExceptions(input.jobId, { signal: activitySignal() }).catch(() => undefined);
    const bySnapshot = history && restartBySnapshot(history.exceptionHistory.entries, look.triggeredAt);
    if (bySnapshot) {
      return fail(
        FailureType.SavepointFailed,
        `${what} failed: ${look.cause}; the job restarted because a task failed in the savepoint itself ` +
          `(${bySnapshot}), so another trigger would restart it again`,
      );
    }
    const detail: SavepointFailoverDetail = {
      kind: 'savepoint-failed-in-failover',
      triggerId: input.triggerId,
      cause: look.cause,
      evidence: verdict.evidence,
      attempts: deps.config.savepointFailoverAttempts,
    };
    return ApplicationFailure.create({
      type: FailureType.SavepointFailed,
      nonRetryable: true,
      message: `${what} failed while the job was failing over (${verdict.evidence}): ${look.cause}`,
      details: [detail],
    });
  }

  async function takeOnce(input: TakeSavepointInput, what: string, failingOver: boolean): Promise<SavepointTaken> {
    const { app, jobId, triggerId } = input;
    const flink = await deps.flinkFor(app);
    const signal = activitySignal();
    // Set when this look triggers: only then is the savepoint's duration ours to measure.
    let triggeredAt: number | undefined;
    // Flink's clock just before this look's trigger: a restart after it is a failover the savepoint met.
    let flinkTriggeredAt: number | undefined;
    // 1. A retry: does Flink already know our trigger?
    const known = await flink.savepointStatus(jobId, triggerId, { signal }).catch((err: unknown) => {
      if (hasErrorCode(err, FlinkErrorCode.NotFound)) return undefined;
      throw err;
    });
    if (known?.kind === 'completed') return { location: known.location, recovered: true };
    if (!known) {
      // 2. Not known: look at the job before triggering.
      const details = await flink.jobDetails(jobId, { signal }).catch((err: unknown) => {
        // A new leader answers before it has recovered the job from HA: unknown yet, during a failover only.
        if (hasErrorCode(err, FlinkErrorCode.NotFound) && failingOver)
          throw new FailoverSign(`Flink does not know job ${jobId} yet (a new JobManager recovering it?)`);
        if (hasErrorCode(err, FlinkErrorCode.NotFound))
          throw fail(FailureType.SavepointFailed, `${what}: Flink does not know job ${jobId}`);
        throw err;
      });
      if (details.state === 'FINISHED' && input.stop) {
        const location = await savepointOfStoppedJob(flink, jobId);
        if (location) return { location, recovered: true };
        throw fail(FailureType.SavepointFailed, `${what}: the job is FINISHED but reports no savepoint`);
      }
      if (RECOVERING_STATES.has(details.state)) throw new FailoverSign(`the job is ${details.state}`);
      if (details.state !== 'RUNNING')
        throw fail(FailureType.SavepointFailed, `${what}: the job is ${details.state}, not RUNNING`);
      // Flink declines a savepoint while tasks are still deploying: wait for them (bounded).
      flinkTriggeredAt = details.now;
      if (!details.vertices.every((v) => v.status === 'RUNNING')) {
        flinkTriggeredAt = await pollUntil({
          intervalMs: deps.config.savepointPollIntervalMs,
          deadline: Date.now() + deps.config.tasksRunningTimeoutMs,
          onDeadline: (seen) =>
            fail(FailureType.SavepointFailed, `${what}: ${seen} for ${deps.config.tasksRunningTimeoutMs / 1000}s`),
          check: async () => {
            const d = await flink.jobDetails(jobId, { signal });
            if (RECOVERING_STATES.has(d.state)) throw new FailoverSign(`the job is ${d.state}`);
            if (d.state !== 'RUNNING')
              throw fail(FailureType.SavepointFailed, `${what}: the job is ${d.state}, not RUNNING`);
            const waiting = d.vertices.filter((v) => v.status !== 'RUNNING').map((v) => `${v.name} ${v.status}`);
            return waiting.length
              ? { done: false, seen: `tasks not running yet: ${waiting.join(', ')}` }
              : { done: true, value: d.now };
          },
        });
      }
      // 3. Trigger with our id (the same id again is the same request), in the format asked, else the one of the
      // running job's spec.
      const formatType = input.formatType ?? (await recordedFormat(app));
      const trigger = {
        jobId,
        triggerId,
        targetDirectory: input.targetDirectory,
        ...(formatType ? { formatType } : {}),
      };
      triggeredAt = Date.now();
      try {
        if (input.stop) await flink.stopWithSavepoint(trigger, { signal });
        else await flink.triggerSavepoint(trigger, { signal });
      } catch (err) {
        if (!hasErrorCode(err, FlinkErrorCode.Conflict, FlinkErrorCode.NotFound)) throw err;
        // 409/404: already stopping or stopped: find the savepoint below.
      }
    }
    // 4. Poll until done.
    return pollUntil<SavepointTaken>({
      intervalMs: deps.config.savepointPollIntervalMs,
      onDeadline: (seen) => fail(FailureType.SavepointFailed, `${what}: ${seen}`),
      check: async () => {
        const status = await flink.savepointStatus(jobId, triggerId, { signal }).catch((err: unknown) => {
          if (hasErrorCode(err, FlinkErrorCode.NotFound)) return { kind: 'unknown' as const };
          throw err;
        });
        if (status.kind === 'completed') {
          if (triggeredAt !== undefined)
            deps.metrics?.savepointTaken({ stop: input.stop, seconds: (Date.now() - triggeredAt) / 1000 });
          return { done: true, value: { location: status.location, recovered: false } };
        }
        if (status.kind === 'pending') return { done: false, seen: 'savepoint in progress' };
        // Failed or forgotten: a stop whose job still FINISHED left a valid savepoint (anchors' pain 2).
        const details = await flink.jobDetails(jobId, { signal });
        if (input.stop && details.state === 'FINISHED') {
          const location = await savepointOfStoppedJob(flink, jobId);
          if (location) return { done: true, value: { location, recovered: true } };
        }
        // Forgotten while the job runs (or recovers): a new JobManager took over; the next look sends the
        // same trigger id again, so Flink still takes one savepoint for it.
        if (status.kind === 'unknown' && (details.state === 'RUNNING' || RECOVERING_STATES.has(details.state)))
          throw new FailoverSign(`Flink no longer knows trigger ${triggerId} and the job is ${details.state}`);
        if (status.kind === 'failed') {
          const look = { cause: status.cause, causedBy: status.causedBy, triggeredAt: flinkTriggeredAt };
          throw await failedTrigger(flink, input, what, look, details);
        }
        throw fail(FailureType.SavepointFailed, `${what} failed: Flink no longer knows the trigger`);
      },
    });
  }

  return {
    async takeSavepoint(input: TakeSavepointInput): Promise<SavepointTaken> {
      const { app, jobId, triggerId } = input;
      const what =
        `${input.stop ? 'stop-with-savepoint' : 'savepoint'} of job ${jobId} (${app.namespace}/${app.name}, ` +
        `trigger ${triggerId})`;
      const bound = deps.config.savepointFailoverTimeoutMs;
      // The phase is in the record before the trigger (a failed write fails here: nothing was asked of Flink).
      if (input.recordFirst) await records.updateRecord({ app, ...input.recordFirst });
      return classified(what, async () => {
        const ctx = Context.current();
        let failingOverSince: number | undefined;
        for (;;) {
          try {
            return await takeOnce(input, what, failingOverSince !== undefined);
          } catch (err) {
            const sign = failoverSign(err);
            if (!sign || activitySignal().aborted) throw err;
            failingOverSince ??= Date.now();
            if (Date.now() - failingOverSince >= bound) {
              throw fail(
                FailureType.SavepointFailed,
                `${what}: the JobManager and the job were not back after ${bound / 1000}s ` +
                  `(savepoint.failoverTimeout); last seen: ${sign}`,
              );
            }
            ctx.heartbeat(`waiting for the JobManager (failover?): ${sign}`);
            await ctx.sleep(deps.config.pollIntervalMs);
          }
        }
      });
    },
  };
}
