/**
 * awaitJobStable: the new job is stable when it has been RUNNING (every vertex) for the
 * window without a restart, reports the expected restore path in `latest.restored`, and (if
 * required) completed a checkpoint. Fails fast, naming the reason, when pods can't run
 * (image missing, crash loop) or the job FAILED or keeps restarting; NotStable at the deadline.
 */
import { Context } from '@temporalio/activity';
import { hasErrorCode, isRetryable } from '../contract/errors';
import { FlinkErrorCode, type FlinkRestClient } from '../flink';
import { FailureType } from '../contract/failures';
import type { ActivityDeps } from './deps';
import { appPodSelector } from './deployment';
import { classified, fail } from './failures';
import { observed, observedDeadline, type Observed } from './observed-deadline';
import { activitySignal, pollUntil } from './poll';
import { podsOfGeneration, rootCauseOf, wrongRestore } from './stability-rules';
import type { AwaitStableInput, StableJob } from './types';
import type { AppRef } from '../contract/app';
import { SavepointKind } from '../contract/savepoints';
import type { AppSpec } from '../spec/types';

/** A look slower than this heartbeats between its calls (the heartbeat timeout is 20 s). */
const INTRA_LOOK_HEARTBEAT_MS = 5_000;

/** The stability wait's heartbeat details: what a retry (e.g. after a worker restart) resumes from. */
export interface StabilityProgress extends Observed {
  seen: string;
  restartsSeen: number;
  runningSince?: number;
}

/** The heartbeat details of a previous attempt, when they are ours. */
export function resumedStability(details: unknown): StabilityProgress | undefined {
  const d = details as Partial<StabilityProgress> | undefined;
  if (!d || typeof d.observedAt !== 'number' || typeof d.deadline !== 'number' || typeof d.restartsSeen !== 'number')
    return undefined;
  return d as StabilityProgress;
}

export function stabilityActivities(deps: ActivityDeps) {
  /**
   * Upgrade downtime, when the job was restored from an upgrade's stop-with-savepoint: from the
   * savepoint's completion (the old job stopped) to the new job seen RUNNING. A rollback's
   * restore from the same savepoint measures the downtime of the upgrade that failed. Best effort.
   */
  async function measureDowntime(app: AppRef, restoredFrom: string, runningSince: number): Promise<void> {
    if (!deps.metrics) return;
    try {
      const read = await deps.kube.records.readRecord<AppSpec>(app.namespace, app.name);
      const savepoint = read?.record.savepoints.find(
        (s) => s.location === restoredFrom && s.kind === SavepointKind.Upgrade,
      );
      const stoppedAt = savepoint ? Date.parse(savepoint.time) : NaN;
      if (Number.isFinite(stoppedAt))
        deps.metrics.upgradeDowntime({ seconds: Math.max(0, runningSince - stoppedAt) / 1000 });
    } catch (err) {
      Context.current().log.warn('could not measure the upgrade downtime', { error: String(err) });
    }
  }
  return {
    async awaitJobStable(input: AwaitStableInput): Promise<StableJob> {
      const { app, jobId, stability } = input;
      const what = `job ${jobId} of ${app.namespace}/${app.name}`;
      return classified(`waiting for ${what} to be stable`, async () => {
        const signal = activitySignal();
        const ctx = Context.current();
        const resumed = resumedStability(ctx.info.heartbeatDetails);
        // The deadline counts observed time only (./observed-deadline.ts): after a worker outage it
        // moves by the time nobody observed, so a healthy version is never rolled back for the
        // outage; the running window and the restarts seen carry over (Flink's timeline).
        const deadline = observedDeadline(input.deadline, deps.config.pollIntervalMs);
        let runningSince: number | undefined = resumed?.runningSince;
        let restartsSeen = resumed?.restartsSeen ?? 0;
        const progress = (seen: string): StabilityProgress => ({
          seen,
          ...observed(deadline),
          restartsSeen,
          ...(runningSince !== undefined ? { runningSince } : {}),
        });
        // Heartbeat between the calls of a slow look too (each Flink call may take its 10 s request
        // timeout): a look never outlasts the heartbeat timeout. A quick look beats once, at its end.
        let lastBeat = Date.now();
        const heartbeatDetails = (seen: string): StabilityProgress => {
          lastBeat = Date.now();
          return progress(seen);
        };
        const beat = (seen: string) => {
          if (Date.now() - lastBeat >= INTRA_LOOK_HEARTBEAT_MS) ctx.heartbeat(heartbeatDetails(seen));
        };
        return pollUntil<StableJob>({
          intervalMs: deps.config.pollIntervalMs,
          deadline,
          heartbeatDetails,
          onDeadline: (seen) =>
            fail(FailureType.NotStable, `${what} not stable within ${stability.timeoutSeconds}s: ${seen}`),
          check: async () => {
            lastBeat = Date.now(); // a look starts right after a heartbeat and the poll interval's sleep
            beat('looking at the pods');
            const listed = await deps.kube.listAppPods({
              namespace: app.namespace,
              labelSelector: appPodSelector(app.name),
            });
            // Only the generation waited for: a failed generation's pods still going are not its problem.
            const pods = podsOfGeneration(listed.pods, input.generation);
            for (const pod of pods) {
              const pull = pod.problems.find((p) => p.kind === 'image-pull');
              if (pull)
                throw fail(
                  FailureType.DeploymentUnhealthy,
                  `pod ${pod.name} cannot start: ${pull.reason}${pull.message ? ` (${pull.message})` : ''}`,
                );
              if (pod.restartCount >= deps.config.maxPodRestarts)
                throw fail(FailureType.DeploymentUnhealthy, `pod ${pod.name} keeps crashing: ${pod.summary}`);
            }
            const podWords = pods.map((p) => `${p.name}: ${p.ready ? 'ready' : p.summary}`).join('; ') || 'no pods yet';
            let flink: FlinkRestClient;
            let state: string;
            let allVerticesRunning: boolean;
            beat(`asking Flink about ${what} (${podWords})`);
            try {
              flink = await deps.flinkFor(app);
              const details = await flink.jobDetails(jobId, { signal });
              state = details.state;
              allVerticesRunning = details.vertices.every((v) => v.status === 'RUNNING');
            } catch (err) {
              if (hasErrorCode(err, FlinkErrorCode.NotFound)) {
                runningSince = undefined;
                return { done: false, seen: `JobManager up, job not submitted yet (${podWords})` };
              }
              if (isRetryable(err)) {
                runningSince = undefined;
                return { done: false, seen: `JobManager not reachable yet (${podWords})` };
              }
              throw err;
            }
            beat(`job is ${state}`);
            // Flink not answering a later call of the look is "not known yet" too, as for the job's details: the
            // deadline runs (an error thrown would be retried by Temporal with no deadline ever checked).
            const unanswered = (about: string, err: unknown) => {
              if (!isRetryable(err)) throw err;
              runningSince = undefined;
              return { done: false as const, seen: `job is ${state}; Flink did not answer for its ${about} yet` };
            };
            let exceptions: Awaited<ReturnType<FlinkRestClient['jobExceptions']>>['exceptionHistory']['entries'];
            try {
              exceptions = (await flink.jobExceptions(jobId, { signal })).exceptionHistory.entries;
            } catch (err) {
              return unanswered('exceptions', err);
            }
            const rootCause = rootCauseOf(exceptions[0]);
            if (state === 'FAILED') throw fail(FailureType.JobFailed, `${what} FAILED: ${rootCause}`);
            if (exceptions.length > restartsSeen) {
              restartsSeen = exceptions.length;
              runningSince = undefined;
            }
            if (restartsSeen >= deps.config.maxJobRestarts) {
              throw fail(
                FailureType.JobFailed,
                `${what} restarted ${restartsSeen} times while stabilising: ${rootCause}`,
              );
            }
            if (state !== 'RUNNING' || !allVerticesRunning) {
              runningSince = undefined;
              return { done: false, seen: `job is ${state}${state === 'RUNNING' ? ' (tasks still deploying)' : ''}` };
            }
            beat(`job is ${state}, reading its checkpoints`);
            let summary: Awaited<ReturnType<FlinkRestClient['checkpoints']>>;
            try {
              summary = await flink.checkpoints(jobId, { signal });
            } catch (err) {
              return unanswered('checkpoints', err);
            }
            const restored = summary.latestRestored?.externalPath;
            if (input.expectRestoredFrom) {
              if (!restored) return { done: false, seen: 'RUNNING; restore not reported yet' };
              const wrong = wrongRestore({ restored, expected: input.expectRestoredFrom, jobId });
              if (wrong) throw fail(FailureType.JobFailed, `${what} ${wrong}`);
            }
            const now = Date.now();
            runningSince ??= now;
            const runningFor = Math.floor((now - runningSince) / 1000);
            const completed = summary.counts.completed;
            if (stability.requireCheckpoint && completed < 1)
              return { done: false, seen: `RUNNING ${runningFor}s, waiting for a completed checkpoint` };
            if (runningFor < stability.windowSeconds)
              return {
                done: false,
                seen: `RUNNING ${runningFor}s of the ${stability.windowSeconds}s window, ${completed} checkpoint(s)`,
              };
            if (input.expectRestoredFrom) await measureDowntime(input.app, input.expectRestoredFrom, runningSince);
            return { done: true, value: { restoredFrom: restored, completedCheckpoints: completed } };
          },
        });
      });
    },
  };
}
