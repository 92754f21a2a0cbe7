/**
 * awaitJobStable: the new job is stable when it has been RUNNING (every vertex) for the
 * window without a restart, reports the expected restore path in `latest.restored`, and (if
 * required) completed a checkpoint. Fails fast, naming the reason, when pods can't run
 * (image missing, crash loop) or the job FAILED or keeps restarting; NotStable at the deadline.
 */
import { hasErrorCode, isRetryable } from '../contract/errors';
import { FlinkErrorCode, type FlinkRestClient } from '../flink';
import { FailureType } from '../contract/failures';
import type { ActivityDeps } from './deps';
import { appPodSelector } from './deployment';
import { classified, fail } from './failures';
import { activitySignal, pollUntil } from './poll';
import type { AwaitStableInput, StableJob } from './types';

/** `file:///a/b/` and `file:/a/b` name the same place. */
export function samePath(a: string, b: string): boolean {
  const norm = (p: string) => p.replace(/^file:\/\/\//, 'file:/').replace(/\/+$/, '');
  return norm(a) === norm(b);
}

export function stabilityActivities(deps: ActivityDeps) {
  return {
    async awaitJobStable(input: AwaitStableInput): Promise<StableJob> {
      const { app, jobId, stability } = input;
      const what = `job ${jobId} of ${app.namespace}/${app.name}`;
      return classified(`waiting for ${what} to be stable`, async () => {
        const signal = activitySignal();
        let runningSince: number | undefined;
        let restartsSeen = 0;
        return pollUntil<StableJob>({
          intervalMs: deps.config.pollIntervalMs,
          deadline: input.deadline,
          onDeadline: (seen) =>
            fail(FailureType.NotStable, `${what} not stable within ${stability.timeoutSeconds}s: ${seen}`),
          check: async () => {
            const pods = await deps.kube.listAppPods({
              namespace: app.namespace,
              labelSelector: appPodSelector(app.name),
            });
            for (const pod of pods.pods) {
              const pull = pod.problems.find((p) => p.kind === 'image-pull');
              if (pull)
                throw fail(
                  FailureType.DeploymentUnhealthy,
                  `pod ${pod.name} cannot start: ${pull.reason}${pull.message ? ` (${pull.message})` : ''}`,
                );
              if (pod.restartCount >= deps.config.maxPodRestarts)
                throw fail(FailureType.DeploymentUnhealthy, `pod ${pod.name} keeps crashing: ${pod.summary}`);
            }
            const podWords =
              pods.pods.map((p) => `${p.name}: ${p.ready ? 'ready' : p.summary}`).join('; ') || 'no pods yet';
            let flink: FlinkRestClient;
            let state: string;
            let allVerticesRunning: boolean;
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
            const exceptions = (await flink.jobExceptions(jobId, { signal })).exceptionHistory.entries;
            const rootCause = exceptions[0]
              ? `${exceptions[0].exceptionName}: ${exceptions[0].stacktrace.split('\n')[0] ?? ''}`
              : 'no exception recorded';
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
            const summary = await flink.checkpoints(jobId, { signal });
            const restored = summary.latestRestored?.externalPath;
            if (input.expectRestoredFrom) {
              if (!restored) return { done: false, seen: 'RUNNING; restore not reported yet' };
              if (!samePath(restored, input.expectRestoredFrom)) {
                throw fail(
                  FailureType.JobFailed,
                  `${what} restored from ${restored}, not from ${input.expectRestoredFrom}`,
                );
              }
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
            return { done: true, value: { restoredFrom: restored, completedCheckpoints: completed } };
          },
        });
      });
    },
  };
}
