/**
 * Samples every 250 ms, until stopped, an application's JobManager pods (Kubernetes) and the jobs each
 * reports RUNNING (Flink REST, straight to the pod). A failed call is counted as a failure, never as
 * zero jobs; `runningJobIds` shows which jobs the watcher actually saw.
 */
import { core } from './e2e';

export interface TwoJobsSeen {
  samples: number;
  /** Samples where every Running JobManager answered. */
  answeredSamples: number;
  failedCalls: number;
  /** Most Running JobManager pods at one sample, terminating ones included. */
  maxJobManagers: number;
  /** Most Running JobManager pods at one sample that were not being deleted. */
  maxLiveJobManagers: number;
  /**
   * The same, counted per deploy generation (`flink-deploy.io/generation` label; blue/green runs two
   * generations side by side by design, one JobManager each); an unlabelled pod counts with its application.
   */
  maxLiveJobManagersOfOneGeneration: number;
  maxRunningJobs: number;
  runningJobIds: Set<string>;
}

export function watchForTwoJobs(namespace: string, app: string): { stop: () => Promise<TwoJobsSeen> } {
  let stop = false;
  const seen: TwoJobsSeen = {
    samples: 0,
    answeredSamples: 0,
    failedCalls: 0,
    maxJobManagers: 0,
    maxLiveJobManagers: 0,
    maxLiveJobManagersOfOneGeneration: 0,
    maxRunningJobs: 0,
    runningJobIds: new Set<string>(),
  };
  const done = (async () => {
    while (!stop) {
      seen.samples++;
      const pods = await core.listNamespacedPod({ namespace }).then(
        (list) =>
          list.items.filter(
            (p) =>
              p.metadata?.labels?.['app.kubernetes.io/instance'] === app &&
              p.metadata?.labels?.['app.kubernetes.io/component'] === 'jobmanager' &&
              p.status?.phase === 'Running',
          ),
        () => undefined,
      );
      if (!pods) seen.failedCalls++;
      else {
        seen.maxJobManagers = Math.max(seen.maxJobManagers, pods.length);
        const live = pods.filter((p) => !p.metadata?.deletionTimestamp);
        seen.maxLiveJobManagers = Math.max(seen.maxLiveJobManagers, live.length);
        const perGeneration = new Map<string, number>();
        for (const p of live) {
          const generation = p.metadata?.labels?.['flink-deploy.io/generation'] ?? '';
          perGeneration.set(generation, (perGeneration.get(generation) ?? 0) + 1);
        }
        seen.maxLiveJobManagersOfOneGeneration = Math.max(
          seen.maxLiveJobManagersOfOneGeneration,
          ...perGeneration.values(),
        );
        let running = 0;
        let answered = 0;
        for (const pod of pods) {
          const body = await fetch(`http://${pod.status?.podIP}:8081/jobs`, { signal: AbortSignal.timeout(1000) })
            .then((res) => (res.ok ? (res.json() as Promise<{ jobs: { id: string; status: string }[] }>) : undefined))
            .catch(() => undefined);
          if (!body) {
            seen.failedCalls++;
            continue;
          }
          answered++;
          const jobs = body.jobs.filter((j) => j.status === 'RUNNING');
          running += jobs.length;
          for (const j of jobs) seen.runningJobIds.add(j.id);
        }
        if (pods.length > 0 && answered === pods.length) seen.answeredSamples++;
        seen.maxRunningJobs = Math.max(seen.maxRunningJobs, running);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    stop: async () => {
      stop = true;
      await done;
      return seen;
    },
  };
}
