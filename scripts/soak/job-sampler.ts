/**
 * Duplicate jobs, seen from Flink and Kubernetes (never from our record): every 250 ms, per
 * application, the JobManager pods that are not being deleted, and the jobs each of them
 * reports RUNNING. A sample with two RUNNING jobs, or two live JobManager pods, of one
 * application is a duplicate. Samples where no JobManager answered are counted apart, so a
 * sampler that never reached Flink cannot pass for one that saw no duplicates.
 */
import type { CoreV1Api } from '@kubernetes/client-node';

/** What the sampler saw of one application. */
export interface SampleCounts {
  samples: number;
  /** Samples in which at least one JobManager answered /jobs/overview. */
  reached: number;
  /** Samples with two or more RUNNING jobs over the application's JobManagers. */
  twoRunning: number;
  /** Samples with two or more JobManager pods not being deleted. */
  twoJobManagers: number;
  /** What the first duplicate looked like, for the report. */
  firstDuplicate?: string;
}

interface Overview {
  jobs: Array<{ jid: string; state: string }>;
}

export class JobSampler {
  readonly counts = new Map<string, SampleCounts>();
  private stopped = false;
  private done: Promise<void> | undefined;

  constructor(
    private readonly core: CoreV1Api,
    private readonly namespace: string,
    private readonly apps: readonly string[],
    private readonly intervalMs = 250,
  ) {
    for (const app of apps) this.counts.set(app, { samples: 0, reached: 0, twoRunning: 0, twoJobManagers: 0 });
  }

  start(): void {
    this.done = (async () => {
      while (!this.stopped) {
        const began = Date.now();
        await Promise.all(this.apps.map((app) => this.sample(app).catch(() => undefined)));
        await new Promise((r) => setTimeout(r, Math.max(0, this.intervalMs - (Date.now() - began))));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  private async sample(app: string): Promise<void> {
    const pods = (
      await this.core.listNamespacedPod({
        namespace: this.namespace,
        labelSelector: `app.kubernetes.io/instance=${app},app.kubernetes.io/component=jobmanager`,
      })
    ).items.filter((p) => !p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded');
    const running: string[] = [];
    let answered = false;
    for (const pod of pods) {
      if (!pod.status?.podIP) continue;
      const res = await fetch(`http://${pod.status.podIP}:8081/jobs/overview`, {
        signal: AbortSignal.timeout(1000),
      }).catch(() => undefined);
      if (!res?.ok) continue;
      answered = true;
      const body = (await res.json()) as Overview;
      running.push(...body.jobs.filter((j) => j.state === 'RUNNING').map((j) => `${pod.metadata?.name}:${j.jid}`));
    }
    const c = this.counts.get(app)!;
    c.samples++;
    if (answered) c.reached++;
    const live = pods.filter((p) => p.status?.phase === 'Running' || p.status?.phase === 'Pending');
    if (running.length > 1) c.twoRunning++;
    if (live.length > 1) c.twoJobManagers++;
    if ((running.length > 1 || live.length > 1) && !c.firstDuplicate)
      c.firstDuplicate =
        `${new Date().toISOString()} pods ${live.map((p) => p.metadata?.name).join(', ')}; ` +
        `running ${running.join(', ')}`;
  }
}
