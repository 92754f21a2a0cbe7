/**
 * Samples every 250 ms, until stopped, an application's JobManager pods (Kubernetes) and the jobs each
 * reports RUNNING (Flink REST, straight to the pod). A failed call is counted as a failure, never as
 * zero jobs; `runningJobIds` shows which jobs the watcher actually saw. Every second it also reads each
 * RUNNING job's last restore (`latest.restored` of its checkpoint statistics): a job Flink failed over to a
 * checkpoint of its own shows there, which its output alone cannot tell from a lost count.
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
  /**
   * Each restore a RUNNING job reported that happened since the watcher started, once (a job keeps its id
   * across Flink's own failovers).
   */
  restores: FlinkRestore[];
}

/** A restore Flink reported for a job: from a savepoint, or from a checkpoint (its failover, or a last-state). */
export interface FlinkRestore {
  jobId: string;
  checkpointId: number;
  isSavepoint: boolean;
  /** When Flink restored it (epoch ms). */
  restoredAt: number;
  path?: string;
  /**
   * The job was RUNNING before this restore (Flink failed it over: a job of ours restored by its submission has
   * a new id, first seen after it).
   */
  failover: boolean;
}

interface RestoredBody {
  latest?: {
    restored?: { id: number; restore_timestamp: number; is_savepoint: boolean; external_path?: string } | null;
  };
}

/** The job's last restore, or undefined (none, or no answer: the next read tries again). */
async function lastRestore(base: string, jobId: string): Promise<Omit<FlinkRestore, 'failover'> | undefined> {
  const body = await fetch(`${base}/jobs/${jobId}/checkpoints`, { signal: AbortSignal.timeout(1000) })
    .then((res) => (res.ok ? (res.json() as Promise<RestoredBody>) : undefined))
    .catch(() => undefined);
  const r = body?.latest?.restored;
  if (!r) return undefined;
  return {
    jobId,
    checkpointId: r.id,
    isSavepoint: r.is_savepoint,
    restoredAt: r.restore_timestamp,
    path: r.external_path,
  };
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
    restores: [],
  };
  const restoreKeys = new Set<string>();
  const since = Date.now();
  const firstSeen = new Map<string, number>();
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
          for (const j of jobs) if (!firstSeen.has(j.id)) firstSeen.set(j.id, Date.now());
          // Every 4th sample (each second): a restore stays the job's latest until its next one.
          for (const j of seen.samples % 4 === 1 ? jobs : []) {
            const restore = await lastRestore(`http://${pod.status?.podIP}:8081`, j.id);
            const key = restore && `${restore.jobId}/${restore.checkpointId}/${restore.restoredAt}`;
            if (!restore || restore.restoredAt < since || restoreKeys.has(key!)) continue;
            restoreKeys.add(key!);
            seen.restores.push({ ...restore, failover: firstSeen.get(j.id)! < restore.restoredAt });
          }
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
