/**
 * The node agent: registers the Node and keeps it alive, watches pods and Services, binds pending
 * pods, runs the pods bound to this node (one PodWorker each), finalizes deleted pods, and adopts
 * or cleans up what an earlier agent left. It is the kubelet only: Service addresses are
 * kube-proxy's (src/local/kube-proxy), another process, so a restart of the agent leaves the
 * connections through them alone.
 */
import fs from 'node:fs';
import type https from 'node:https';
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { messageOf } from '../shared/errors';
import { watchCluster, type ClusterWatch } from '../shared/informers';
import type { Logger } from '../shared/logger';
import { adoptContainers } from './adoption';
import { Binder, needsBinding } from './binder';
import type { LaunchContext } from './container-launcher';
import { mountNamespacesAvailable } from './mount-namespace';
import { EventRecorder } from './events';
import { ImageStore, pipInstaller } from './image-store';
import { IpAllocator } from './ip-allocator';
import { startKubeletServer } from './kubelet-server';
import { createKubeClients, ignoreNotFound, type KubeClients } from './kube-clients';
import { LEASE_RENEW_INTERVAL_MS, renewNodeLease } from './node-lease';
import { NODE_STATUS_INTERVAL_MS, registerNode, writeNodeStatus } from './node-registration';
import type { AgentOptions } from './options';
import { PodWorker, type PodWorkerDeps } from './pod-worker';
import { findPodProcesses } from './proc';
import { ProcessSupervisor, signalGroup } from './process-supervisor';
import { ServiceDirectory } from './service-directory';
import { StateStore } from './state-store';

/** How often every pod is reconciled even without a watch event. */
const RESYNC_INTERVAL_MS = 5000;
/** Longest grace given to pods when the agent itself stops (stack down waits 30 s). */
const SHUTDOWN_GRACE_CAP_MS = 20_000;

/** One running node agent. */
export class NodeAgent {
  private readonly clients: KubeClients;
  private readonly store: StateStore;
  private readonly ips: IpAllocator;
  private kubelet: https.Server | undefined;
  private readonly workers = new Map<string, PodWorker>();
  private readonly finalizing = new Set<string>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly events: EventRecorder;
  private readonly binder: Binder;
  private readonly supervisor: ProcessSupervisor;
  private watch!: ClusterWatch;
  private ctx!: LaunchContext;
  private registered = false;
  private stopping = false;

  constructor(
    private readonly options: AgentOptions & { flinkVersion: string },
    private readonly log: Logger,
  ) {
    this.clients = createKubeClients(options.kubeconfig);
    this.ips = new IpAllocator(options.podCidr.prefix);
    this.store = new StateStore(options.stateDir);
    this.supervisor = new ProcessSupervisor(options.stateDir);
    this.events = new EventRecorder({ clients: this.clients, nodeName: options.nodeName, log });
    this.binder = new Binder({ clients: this.clients, nodeName: options.nodeName, events: this.events });
  }

  /** True once the Node is registered and the pods are being watched. */
  get healthy(): boolean {
    return this.registered && !this.stopping;
  }

  /** What runs here, for `GET /pods`. */
  describe(): unknown {
    return [...this.workers.values()].map((w) => ({ uid: w.uid, podIp: w.podIp, status: w.status() }));
  }

  /** Registers the node, starts the watches, adopts what an earlier agent left, and starts reconciling. */
  async start(): Promise<void> {
    const identity = {
      nodeName: this.options.nodeName,
      flinkVersion: this.options.flinkVersion,
      kubeletPort: this.options.kubeletPort,
    };
    await registerNode(this.clients, identity);
    const node = await this.clients.core.readNode({ name: this.options.nodeName });
    const lease = () => renewNodeLease(this.clients, { nodeName: this.options.nodeName, nodeUid: node.metadata?.uid });
    await lease();
    this.every(LEASE_RENEW_INTERVAL_MS, 'lease', lease);
    this.every(NODE_STATUS_INTERVAL_MS, 'node status', () => writeNodeStatus(this.clients, identity));

    this.watch = await watchCluster({ config: this.clients.config, log: this.log });
    this.ctx = {
      clients: this.clients,
      store: this.store,
      flinkHome: this.options.flinkHome,
      jobsDir: this.options.jobsDir,
      imagesDir: this.options.imagesDir,
      flinkVersion: this.options.flinkVersion,
      images: new ImageStore({
        defaultHome: this.options.flinkHome,
        defaultVersion: this.options.flinkVersion,
        cacheDir: this.options.imageCache ?? path.join(this.options.stateDir, 'images'),
        installer: this.options.pip ? pipInstaller(this.options.pip) : undefined,
      }),
      apiServer: apiServerAddress(this.clients.config),
      mountNamespaces: mountNamespacesAvailable(),
      services: new ServiceDirectory(this.watch, this.options.serviceCidr),
    };

    if (this.options.kubeletPort && this.options.kubeletTls) {
      this.kubelet = await startKubeletServer({
        port: this.options.kubeletPort,
        tls: this.options.kubeletTls,
        nodeName: this.options.nodeName,
        clients: this.clients,
        store: this.store,
        log: this.log,
      });
    }
    this.adoptOrCleanUp();
    const onPod = (pod: k8s.V1Pod) => void this.reconcile(pod);
    this.watch.pods.on('add', onPod);
    this.watch.pods.on('update', onPod);
    this.watch.pods.on('delete', (pod) => void this.onPodGone(pod));
    this.every(RESYNC_INTERVAL_MS, 'resync', async () => this.resync());
    this.resync();
    this.registered = true;
    this.log.info({ node: this.options.nodeName }, 'node agent is up');
  }

  /** Stops every pod's processes (capped grace) and the watches; pods stay in the API. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.watch?.stop();
    await Promise.all([...this.workers.values()].map((w) => w.terminate(SHUTDOWN_GRACE_CAP_MS)));
    this.kubelet?.close();
    this.log.info('node agent stopped all pods');
  }

  private every(ms: number, what: string, task: () => Promise<unknown> | void): void {
    this.timers.push(
      setInterval(() => {
        Promise.resolve(task()).catch((error: unknown) => this.log.warn({ err: messageOf(error) }, `${what} failed`));
      }, ms),
    );
  }

  private resync(): void {
    for (const pod of this.watch.pods.list()) void this.reconcile(pod);
    const live = new Set(this.watch.pods.list().map((p) => p.metadata?.uid));
    for (const worker of this.workers.values()) {
      if (!live.has(worker.uid)) void this.finalize({ worker, pod: undefined });
    }
  }

  /**
   * Adopts the pods an earlier agent ran that still exist; kills and forgets the rest. Stray
   * processes are killed only when they carry this agent's state dir (FD_NODE_AGENT_STATE_DIR),
   * so two stacks on one machine leave each other's pods alone.
   */
  private adoptOrCleanUp(): void {
    const byUid = new Map(this.watch.pods.list().map((p) => [p.metadata?.uid ?? '', p]));
    for (const record of this.store.readPods()) {
      const pod = byUid.get(record.uid);
      if (pod && !pod.metadata?.deletionTimestamp && pod.spec?.nodeName === this.options.nodeName) {
        this.ips.reserve(record.uid, record.ip);
        const adopted = adoptContainers({ pod, store: this.store, supervisor: this.supervisor });
        const worker = new PodWorker({ pod, podIp: record.ip, deps: this.workerDeps(), adopted });
        this.workers.set(record.uid, worker);
        worker.start();
        this.log.info({ pod: `${record.namespace}/${record.name}`, ip: record.ip }, 'adopted pod');
      } else {
        for (const process of this.store.readProcesses(record)) signalGroup(process.pid, 'SIGKILL');
        this.store.removePod(record);
        this.log.info({ pod: `${record.namespace}/${record.name}` }, 'cleaned up a pod that is gone');
      }
    }
    // Only this stack's processes: another stack's agent on the machine runs its own pods.
    // (Named through a symlink by an agent before realStateDir: the same folder.)
    for (const stray of findPodProcesses().filter((p) => sameDir(p.stateDir, this.store.stateDir))) {
      if (!this.workers.has(stray.podUid)) {
        this.log.warn({ pid: stray.pid, podUid: stray.podUid }, 'killing a process of a pod that is gone');
        signalGroup(stray.pid, 'SIGKILL');
        try {
          process.kill(stray.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
  }

  private workerDeps(): PodWorkerDeps {
    return { ctx: this.ctx, supervisor: this.supervisor, events: this.events, log: this.log };
  }

  private async reconcile(pod: k8s.V1Pod): Promise<void> {
    if (this.stopping) return;
    const uid = pod.metadata?.uid ?? '';
    try {
      if (needsBinding(pod)) {
        await this.binder.bind(pod);
        return;
      }
      if (pod.spec?.nodeName !== this.options.nodeName) return;
      const worker = this.workers.get(uid);
      if (pod.metadata?.deletionTimestamp) {
        await this.finalize({ worker, pod });
        return;
      }
      if (worker) {
        worker.update(pod);
        return;
      }
      if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
      const podIp = this.ips.allocate(uid);
      this.store.writePod({
        uid,
        namespace: pod.metadata?.namespace ?? 'default',
        name: pod.metadata?.name ?? '',
        ip: podIp,
      });
      const created = new PodWorker({ pod, podIp, deps: this.workerDeps() });
      this.workers.set(uid, created);
      created.start();
      this.log.info({ pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, ip: podIp }, 'running pod');
    } catch (error) {
      this.log.warn(
        { err: messageOf(error), pod: `${pod.metadata?.namespace}/${pod.metadata?.name}` },
        'reconcile failed; will retry',
      );
    }
  }

  private async onPodGone(pod: k8s.V1Pod): Promise<void> {
    const worker = this.workers.get(pod.metadata?.uid ?? '');
    if (worker) await this.finalize({ worker, pod: undefined });
  }

  /**
   * A deleted pod: stop its containers with its grace period, forget it on disk, give its IP
   * back, then remove it from the API (grace 0, this uid only) as the kubelet does.
   */
  private async finalize(input: { worker: PodWorker | undefined; pod: k8s.V1Pod | undefined }): Promise<void> {
    const uid = input.pod?.metadata?.uid ?? input.worker?.uid ?? '';
    if (this.finalizing.has(uid)) return;
    this.finalizing.add(uid);
    try {
      const pod = input.pod;
      const graceSeconds = pod?.metadata?.deletionGracePeriodSeconds ?? pod?.spec?.terminationGracePeriodSeconds ?? 0;
      if (input.worker) {
        await input.worker.terminate(Math.max(graceSeconds, 1) * 1000);
        this.workers.delete(uid);
      }
      const namespace = pod?.metadata?.namespace;
      const name = pod?.metadata?.name;
      const record = this.store.readPods().find((r) => r.uid === uid);
      if (record) this.store.removePod(record);
      this.ips.release(uid);
      if (namespace && name) {
        await ignoreNotFound(
          this.clients.core.deleteNamespacedPod({
            name,
            namespace,
            gracePeriodSeconds: 0,
            body: { gracePeriodSeconds: 0, preconditions: { uid } },
          }),
        );
      }
    } catch (error) {
      this.log.warn({ err: messageOf(error), uid }, 'finalizing a pod failed; will retry');
    } finally {
      this.finalizing.delete(uid);
    }
  }
}

/** Host and port of the kubeconfig's API server. */
function apiServerAddress(config: k8s.KubeConfig): { host: string; port: string } {
  const server = new URL(config.getCurrentCluster()?.server ?? 'https://127.0.0.1:443');
  return { host: server.hostname, port: server.port || '443' };
}

/** Whether two paths name one folder (symlinks resolved; one that is gone: the paths as written). */
function sameDir(a: string | undefined, b: string): boolean {
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return p;
    }
  };
  return a !== undefined && (a === b || real(a) === real(b));
}
