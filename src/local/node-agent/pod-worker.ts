/**
 * One pod on this node: its IP, its container runners, and its status in the API (patched
 * after every change, coalesced). Its init containers run first, one at a time, each to
 * completion (a failed one is restarted with back-off, or fails the pod under `restartPolicy:
 * Never`); then its containers start. Terminating stops every container with the pod's grace
 * period.
 */
import type * as k8s from '@kubernetes/client-node';
import { messageOf } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { LaunchContext } from './container-launcher';
import { ContainerRunner, type AdoptedContainer } from './container-runner';
import type { EventRecorder } from './events';
import { ignoreNotFound, strategicMergePatch } from './kube-clients';
import { Initialization, podStatus, statusDrift, type ConditionMemory } from './pod-status';
import type { ProcessSupervisor } from './process-supervisor';
import { TokenCache } from './service-account-token';
import { refreshTokenVolumes } from './volumes';

/** Dependencies of a pod worker. */
export interface PodWorkerDeps {
  ctx: LaunchContext;
  supervisor: ProcessSupervisor;
  events: EventRecorder;
  log: Logger;
}

/** Coalescing delay of status patches. */
const STATUS_DEBOUNCE_MS = 50;
/** How often the pod's service-account tokens are checked for refresh. */
const TOKEN_CHECK_MS = 10_000;

/** Runs one pod. */
export class PodWorker {
  private pod: k8s.V1Pod;
  private readonly runners: ContainerRunner[];
  private readonly initRunners: ContainerRunner[];
  private initialization: Initialization;
  private readonly conditions: ConditionMemory = new Map();
  private readonly startTime: Date;
  private statusTimer: NodeJS.Timeout | undefined;
  private statusWrite: Promise<void> = Promise.resolve();
  private terminating: Promise<void> | undefined;
  private readonly log: Logger;
  private readonly core: k8s.CoreV1Api;
  private readonly deps: PodWorkerDeps;
  private readonly tokens = new TokenCache();
  private tokenTimer: NodeJS.Timeout | undefined;
  /** False for an adopted pod until its token files are rewritten (this agent holds no token of it yet). */
  private tokensLoaded: boolean;

  constructor(input: { pod: k8s.V1Pod; podIp: string; deps: PodWorkerDeps; adopted?: Map<string, AdoptedContainer> }) {
    this.pod = input.pod;
    this.log = input.deps.log.child({ pod: `${input.pod.metadata?.namespace}/${input.pod.metadata?.name}` });
    this.startTime = input.pod.status?.startTime ? new Date(input.pod.status.startTime) : new Date();
    this.podIp = input.podIp;
    this.core = input.deps.ctx.clients.core;
    this.deps = input.deps;
    this.tokensLoaded = input.adopted === undefined;
    const runner = (container: k8s.V1Container, init: boolean) =>
      new ContainerRunner(
        container,
        {
          ...input.deps,
          log: this.log,
          podIp: input.podIp,
          pod: () => this.pod,
          tokens: this.tokens,
          onChange: () => this.scheduleStatus(),
          init,
        },
        input.adopted?.get(container.name),
      );
    this.initRunners = (input.pod.spec?.initContainers ?? []).map((c) => runner(c, true));
    this.runners = (input.pod.spec?.containers ?? []).map((c) => runner(c, false));
    // A pod whose containers had started (an adopted one) was initialized: its init containers do not run again.
    const started = (input.pod.spec?.containers ?? []).some((c) => input.adopted?.get(c.name)?.hasRun);
    this.initialization = this.initRunners.length === 0 || started ? Initialization.Done : Initialization.Running;
  }

  /** The pod's IP. */
  readonly podIp: string;

  /** The pod's uid. */
  get uid(): string {
    return this.pod.metadata?.uid ?? '';
  }

  /** Runs the init containers in order, then starts every container. */
  start(): void {
    this.scheduleStatus();
    this.tokenTimer = setInterval(() => void this.refreshTokens(), TOKEN_CHECK_MS);
    void this.initialize().then((initialized) => {
      if (!initialized || this.terminating) return;
      for (const runner of this.runners) runner.start();
    });
  }

  /** Runs each init container to completion, in order; false when one failed for good or the pod is terminating. */
  private async initialize(): Promise<boolean> {
    if (this.initialization === Initialization.Done) return true;
    for (const init of this.initRunners) {
      if (this.terminating) return false;
      if (!(await init.completed())) {
        if (!this.terminating) {
          this.initialization = Initialization.Failed;
          this.log.info({ container: init.name }, 'init container failed; the pod fails (restartPolicy: Never)');
          this.scheduleStatus();
        }
        return false;
      }
    }
    this.initialization = Initialization.Done;
    this.scheduleStatus();
    return true;
  }

  /** Rewrites the token files whose tokens are due (80 % of their lifetime has passed). */
  private async refreshTokens(): Promise<void> {
    if (this.terminating || (this.tokensLoaded && !this.tokens.due())) return;
    const { clients, store } = this.deps.ctx;
    try {
      const volumes = await refreshTokenVolumes({ pod: this.pod, clients, store, tokens: this.tokens });
      this.tokensLoaded = true;
      if (volumes > 0) this.log.info({ volumes }, 'refreshed service-account tokens');
    } catch (error) {
      this.log.warn({ err: messageOf(error) }, 'could not refresh a service-account token; retrying');
    }
  }

  /**
   * Takes the latest version of the pod object; writes this node's status again when the API's differs from it
   * (`statusDrift`: another writer, e.g. the node lifecycle controller, changed it), as a kubelet's status
   * manager does. Not while a write is pending or the pod terminates (its last status is written then).
   */
  update(pod: k8s.V1Pod): void {
    this.pod = pod;
    if (this.statusTimer || this.terminating) return;
    const drift = statusDrift(pod.status, this.status());
    if (drift.length === 0) return;
    this.log.info({ drift: drift.join(', ') }, "pod status in the API differs from this node's; writing it again");
    this.scheduleStatus();
  }

  /** Stops every container (once); resolves when all have ended and the last status is written. */
  terminate(graceMs: number): Promise<void> {
    this.terminating ??= (async () => {
      clearInterval(this.tokenTimer);
      await Promise.all([...this.initRunners, ...this.runners].map((r) => r.stop(graceMs)));
      clearTimeout(this.statusTimer);
      this.statusTimer = undefined;
      this.statusWrite = this.statusWrite.then(() => this.writeStatus());
      await this.statusWrite;
    })();
    return this.terminating;
  }

  /** True once terminate() was called. */
  get isTerminating(): boolean {
    return this.terminating !== undefined;
  }

  /** The status this node reports for the pod now. */
  status(): k8s.V1PodStatus {
    return podStatus({
      initContainers: this.initRunners.map((r) => r.snapshot()),
      initialization: this.initialization,
      containers: this.runners.map((r) => r.snapshot()),
      restartPolicy: this.pod.spec?.restartPolicy,
      podIp: this.podIp,
      startTime: this.startTime,
      conditions: this.conditions,
    });
  }

  private scheduleStatus(): void {
    if (this.statusTimer) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      this.statusWrite = this.statusWrite.then(() => this.writeStatus());
    }, STATUS_DEBOUNCE_MS);
  }

  private async writeStatus(): Promise<void> {
    const core = this.core;
    const name = this.pod.metadata?.name ?? '';
    const namespace = this.pod.metadata?.namespace ?? 'default';
    try {
      const patched = await ignoreNotFound(
        core.patchNamespacedPodStatus({ name, namespace, body: { status: this.status() } }, strategicMergePatch),
      );
      if (patched?.metadata?.uid === this.uid) this.pod = patched;
    } catch (error) {
      this.log.warn({ err: error }, 'could not write pod status; retrying');
      setTimeout(() => this.scheduleStatus(), 1000);
    }
  }
}
