/**
 * A SIMULATED CLUSTER for workflow tests with the real activities: the in-memory Kubernetes
 * plus the mock Flink, joined by a small controller that does what the Deployment controller,
 * the kubelet and Flink's entrypoint would. When the JobManager Deployment's pod template
 * changes (Recreate), the old JobManager and its job go, a new pod starts and the job of the
 * template's `--job-id` runs, restored from its `--fromSavepoint`. The image decides how it
 * behaves (`images`): runs, FAILs with a root cause, or cannot be pulled.
 */
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { activityConfigOf, createActivities, type ActivityConfig } from '../../src/activities';
import { loadSettings } from '../../src/config/settings';
import type { FlinkDeployActivities } from '../../src/activities/types';
import { FlinkRestClient } from '../../src/flink/client';
import { resolveFlinkEndpoint } from '../../src/flink/endpoint';
import { InMemoryKube, type KubeChange } from './in-memory-kube';
import { podOf } from './kube-objects';
import { MockFlink } from './mock-flink';
import { flinkRbacObjects } from '../../scripts/lib/flink-rbac';

/** How a job of an image behaves. */
export type ImageBehaviour = { kind: 'fails'; rootCause: string } | { kind: 'image-pull'; reason: string };

export interface SimulatedClusterOptions {
  namespace: string;
  app: string;
}

/** Fast polls: a rollout's stability window is the only real time the tests spend. */
const testConfig: ActivityConfig = {
  ...activityConfigOf(loadSettings({}, {})),
  pollIntervalMs: 20,
  savepointPollIntervalMs: 10,
};

export class SimulatedCluster {
  readonly kube = new InMemoryKube();
  readonly flink: MockFlink;
  /** Behaviour by container image; images not listed run fine. */
  readonly images = new Map<string, ImageBehaviour>();
  private runningJobId: string | undefined;

  constructor(readonly options: SimulatedClusterOptions) {
    // What `--flink-endpoint service-dns` resolves to, as in the worker.
    this.flink = new MockFlink(`http://${options.app}-rest.${options.namespace}.svc:8081`);
    this.flink.reachable = false;
    this.kube.onChange((change) => this.react(change));
    // Flink's ServiceAccount and Role, as a user applies deploy/flink-rbac.yaml (HA pods run as `flink`).
    void this.kube.apply(flinkRbacObjects(options.namespace));
  }

  /** The real activities over this cluster. */
  activities(config: Partial<ActivityConfig> = {}): FlinkDeployActivities {
    return createActivities({
      kube: this.kube,
      flinkFor: async (app) =>
        new FlinkRestClient({
          baseUrl: await resolveFlinkEndpoint({
            app: app.name,
            namespace: app.namespace,
            lookup: { kind: 'service-dns' },
          }),
          dispatcher: this.flink.agent,
        }),
      config: { ...testConfig, ...config },
    });
  }

  /** The image and job id the JobManager Deployment runs now. */
  jobManager(): { image: string | undefined; jobId: string | undefined; restoredFrom: string | undefined } {
    const d = this.kube.get<V1Deployment>('Deployment', this.options.namespace, `${this.options.app}-jobmanager`);
    const container = d?.spec?.template.spec?.containers[0];
    return {
      image: container?.image,
      jobId: argAfter(container?.args, '--job-id'),
      restoredFrom: argAfter(container?.args, '--fromSavepoint'),
    };
  }

  close(): Promise<void> {
    return this.flink.close();
  }

  private react({ type, object }: KubeChange): void {
    if (object.kind !== 'Deployment') return;
    const deployment = object as V1Deployment;
    const component = deployment.metadata?.labels?.['app.kubernetes.io/component'] ?? '';
    const name = `${deployment.metadata?.name}-0`;
    if (type === 'deleted') {
      if (component === 'jobmanager') this.stopJobManager();
      return;
    }
    const container = deployment.spec?.template.spec?.containers[0];
    const podInit = {
      app: this.options.app,
      namespace: this.options.namespace,
      component,
      name,
      ownerUid: deployment.metadata?.uid,
      annotations: deployment.spec?.template.metadata?.annotations,
    };
    if (component !== 'jobmanager') {
      // A new pod template (a new generation) rolls the TaskManager pod, as a ReplicaSet would.
      const existing = this.kube.get<V1Pod>('Pod', this.options.namespace, name);
      if (JSON.stringify(existing?.metadata?.annotations) !== JSON.stringify(podInit.annotations))
        this.kube.putPod(podOf(podInit));
      return;
    }
    const jobId = argAfter(container?.args, '--job-id');
    if (!jobId || jobId === this.runningJobId) return; // a status update, or nothing new to run
    // Recreate: the old JobManager (and its job) is gone before the new one starts.
    this.stopJobManager();
    this.runningJobId = jobId;
    const behaviour = this.images.get(container?.image ?? '');
    if (behaviour?.kind === 'image-pull') {
      this.kube.putPod(
        podOf({ ...podInit, waiting: { reason: behaviour.reason, message: `pulling ${container?.image}` } }),
      );
      return;
    }
    this.kube.putPod(podOf({ ...podInit, ip: '10.0.0.10' }));
    this.flink.reachable = true;
    this.flink.runJob(jobId, {
      restoredFrom: argAfter(container?.args, '--fromSavepoint'),
      completedCheckpoints: 1,
      latestCheckpoint: `file:///flink/checkpoints/${jobId}/chk-1`,
    });
    if (behaviour?.kind === 'fails') this.flink.failJob(jobId, behaviour.rootCause);
  }

  private stopJobManager(): void {
    this.runningJobId = undefined;
    this.flink.reachable = false;
    this.flink.jobs.clear();
    this.flink.forgetTriggers();
    this.kube.remove('Pod', this.options.namespace, `${this.options.app}-jobmanager-0`);
  }
}

function argAfter(args: string[] | undefined, flag: string): string | undefined {
  const i = args?.indexOf(flag) ?? -1;
  return i >= 0 ? args?.[i + 1] : undefined;
}
