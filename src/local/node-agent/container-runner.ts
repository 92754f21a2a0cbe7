/**
 * One container of a pod, for its whole life: start (via the launcher), watch, report,
 * restart per restartPolicy with the kubelet's back-off (CrashLoopBackOff), retry what
 * cannot start yet (ErrImagePull → ImagePullBackOff, missing volumes, Services without
 * endpoints), and stop (SIGTERM, grace, SIGKILL).
 */
import type * as k8s from '@kubernetes/client-node';
import { messageOf } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { Backoff, initRestartPolicy, shouldRestart } from './backoff';
import { planLaunch, type LaunchContext } from './container-launcher';
import type { ContainerSnapshot, ContainerState } from './container-state';
import { AgentErrorCode, LaunchError } from './errors';
import { EventType, type EventRecorder } from './events';
import {
  stopProcessGroup,
  type ProcessExit,
  type ProcessSupervisor,
  type SupervisedProcess,
} from './process-supervisor';
import { oomKillCount, wasOomKilled } from './oom';
import { livenessCheck, readinessCheck } from './readiness';
import type { TokenCache } from './service-account-token';

/** How often a container that cannot start yet (volume, Service) is retried. */
const NOT_READY_RETRY_MS = 1000;

/** What a runner takes over from an earlier agent. */
export interface AdoptedContainer {
  /** The attempt that still runs, if any. */
  process?: SupervisedProcess;
  /** The last exit the API or the exit-code file knows of. */
  lastExit?: ContainerState & { kind: 'terminated' };
  restartCount: number;
  /** True when the container had been started before (a new start counts as a restart). */
  hasRun: boolean;
  /** True when the container terminated for good (restartPolicy says no restart). */
  finished: boolean;
}

/** Dependencies of a runner. */
export interface ContainerRunnerDeps {
  ctx: LaunchContext;
  supervisor: ProcessSupervisor;
  events: EventRecorder;
  log: Logger;
  /** Called whenever the snapshot changes. */
  onChange: () => void;
  /** The latest pod object. */
  pod: () => k8s.V1Pod;
  podIp: string;
  /** The pod's service-account tokens. */
  tokens: TokenCache;
  /** An init container: runs to completion (restarted only on failure, unless the pod says Never). */
  init?: boolean;
}

/** Runs and reports one container. */
export class ContainerRunner {
  private state: ContainerState = { kind: 'waiting', reason: 'ContainerCreating' };
  private lastState: ContainerState | undefined;
  private restartCount = 0;
  private hasRun = false;
  private ready = false;
  private imageId = '';
  private containerId: string | undefined;
  private current: SupervisedProcess | undefined;
  private stopping = false;
  private readonly wakers = new Set<() => void>();
  private readonly restartBackoff = new Backoff();
  private readonly pullBackoff = new Backoff();
  private lastLaunchMessage = '';
  private loop: Promise<void> | undefined;

  constructor(
    private readonly container: k8s.V1Container,
    private readonly deps: ContainerRunnerDeps,
    private readonly adopted?: AdoptedContainer,
  ) {
    if (adopted) {
      this.restartCount = adopted.restartCount;
      this.hasRun = adopted.hasRun;
      this.lastState = adopted.lastExit;
      if (adopted.finished && adopted.lastExit) this.state = adopted.lastExit;
    }
  }

  /** The container's name. */
  get name(): string {
    return this.container.name;
  }

  /** Starts the container's life loop (once). */
  start(): void {
    this.loop ??= this.run().catch((error: unknown) =>
      this.deps.log.error({ err: error, container: this.name }, 'container loop failed'),
    );
  }

  /**
   * Resolves when the container's life loop has ended: true when it completed (exit 0), false when it failed for good
   * or was stopped. For an init container: whether the pod may go on.
   */
  async completed(): Promise<boolean> {
    this.start();
    await this.loop;
    return !this.stopping && this.state.kind === 'terminated' && this.state.exitCode === 0;
  }

  /** What the pod status shows for this container. */
  snapshot(): ContainerSnapshot {
    return {
      name: this.name,
      image: this.container.image ?? '',
      imageId: this.imageId,
      containerId: this.containerId,
      state: this.state,
      lastState: this.lastState,
      restartCount: this.restartCount,
      // An init container is ready once it completed, as the kubelet reports it.
      ready: this.deps.init ? this.state.kind === 'terminated' && this.state.exitCode === 0 : this.ready,
    };
  }

  /** Stops the container: no more restarts; SIGTERM, `graceMs`, SIGKILL. Resolves when it has ended. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    for (const wake of [...this.wakers]) wake();
    const running = this.current;
    if (running) {
      this.deps.events.record({
        pod: this.deps.pod(),
        container: this.name,
        type: EventType.Normal,
        reason: 'Killing',
        message: `Stopping container ${this.name}`,
      });
      await stopProcessGroup({ process: running, graceMs });
    }
    await this.loop;
  }

  private set(state: ContainerState, ready = false): void {
    this.state = state;
    this.ready = ready;
    this.deps.onChange();
  }

  private async run(): Promise<void> {
    if (this.adopted?.finished) return;
    if (this.adopted?.process) {
      this.containerId = `local://${this.adopted.process.pid}`;
      this.imageId = `flink-home://flink@${this.deps.ctx.flinkVersion}`;
      const continued = await this.watch(this.adopted.process, true);
      if (!continued) return;
    } else if (this.adopted?.lastExit && !(await this.afterExit(this.adopted.lastExit))) {
      return;
    }
    while (!this.stopping) {
      const process = await this.launch();
      if (!process) continue;
      if (!(await this.watch(process))) return;
    }
  }

  /** One start attempt; undefined when it could not start (state and retry wait done). */
  private async launch(): Promise<SupervisedProcess | undefined> {
    const pod = this.deps.pod();
    try {
      const plan = await planLaunch({
        pod,
        container: this.container,
        podIp: this.deps.podIp,
        ctx: this.deps.ctx,
        tokens: this.deps.tokens,
      });
      if (this.stopping) return undefined;
      this.imageId = plan.imageId;
      if (this.hasRun) this.restartCount++;
      const process = this.deps.supervisor.start(plan.process);
      this.hasRun = true;
      this.lastLaunchMessage = '';
      this.pullBackoff.next(Number.POSITIVE_INFINITY);
      this.containerId = `local://${process.pid}`;
      this.deps.events.record({
        pod,
        container: this.name,
        type: EventType.Normal,
        reason: 'Pulled',
        message: `Container image "${this.container.image}" already present on machine`,
      });
      this.deps.events.record({
        pod,
        container: this.name,
        type: EventType.Normal,
        reason: 'Created',
        message: `Created container ${this.name}`,
      });
      this.deps.events.record({
        pod,
        container: this.name,
        type: EventType.Normal,
        reason: 'Started',
        message: `Started container ${this.name} (pid ${process.pid})`,
      });
      return process;
    } catch (error) {
      await this.onLaunchError(pod, error);
      return undefined;
    }
  }

  private async onLaunchError(pod: k8s.V1Pod, error: unknown): Promise<void> {
    const launch = error instanceof LaunchError ? error : undefined;
    const message = messageOf(error);
    if (launch?.code === AgentErrorCode.ImageNotAvailable) {
      this.set({ kind: 'waiting', reason: 'ErrImagePull', message });
      this.deps.events.record({
        pod,
        container: this.name,
        type: EventType.Warning,
        reason: 'Failed',
        message: `Failed to pull image "${this.container.image}": ${message}`,
      });
      this.deps.events.record({
        pod,
        container: this.name,
        type: EventType.Warning,
        reason: 'Failed',
        message: 'Error: ErrImagePull',
      });
      const delay = Math.max(this.pullBackoff.next(0), 2000);
      await this.sleep(1000);
      if (this.stopping) return;
      this.set({
        kind: 'waiting',
        reason: 'ImagePullBackOff',
        message: `Back-off pulling image "${this.container.image}": ${message}`,
      });
      this.deps.events.record({
        pod,
        container: this.name,
        type: EventType.Normal,
        reason: 'BackOff',
        message: `Back-off pulling image "${this.container.image}"`,
      });
      await this.sleep(delay);
      return;
    }
    const reason = launch?.reason ?? 'CreateContainerError';
    this.set({ kind: 'waiting', reason, message }, false);
    if (message !== this.lastLaunchMessage) {
      this.lastLaunchMessage = message;
      const eventReason =
        launch?.code === AgentErrorCode.VolumeNotReady
          ? 'FailedMount'
          : launch?.code === AgentErrorCode.ServiceNotResolvable
            ? 'Waiting'
            : 'Failed';
      this.deps.events.record({
        pod,
        container: this.name,
        type: eventReason === 'Waiting' ? EventType.Normal : EventType.Warning,
        reason: eventReason,
        message,
      });
      if (!launch) this.deps.log.warn({ err: error, container: this.name }, 'container could not be created');
    }
    await this.sleep(launch?.retryable === false ? 10_000 : NOT_READY_RETRY_MS);
  }

  /** Watches a running attempt until it ends; false when the loop should end. */
  private async watch(process: SupervisedProcess, adoptedNow = false): Promise<boolean> {
    this.current = process;
    this.set({ kind: 'running', startedAt: process.startedAt });
    const oomBefore = adoptedNow ? undefined : oomKillCount();
    const readiness = this.watchReadiness(process);
    const liveness = this.watchLiveness(process);
    const exit = await process.exited;
    this.current = undefined;
    await Promise.all([readiness, liveness]);
    const oomKilled = wasOomKilled({ exitCode: exit.exitCode, before: oomBefore, after: oomKillCount() });
    const terminated = terminatedState({ exit, startedAt: process.startedAt, oomKilled });
    this.set(terminated);
    if (!this.stopping && exit.exitCode !== 0) {
      this.deps.log.info({ container: this.name, exitCode: exit.exitCode }, 'container exited');
    }
    return this.afterExit(terminated);
  }

  /** After an exit: decide on a restart and wait its back-off; false when the loop should end. */
  private async afterExit(terminated: ContainerState & { kind: 'terminated' }): Promise<boolean> {
    if (this.stopping) return false;
    const pod = this.deps.pod();
    const restartPolicy = this.deps.init ? initRestartPolicy(pod.spec?.restartPolicy) : pod.spec?.restartPolicy;
    if (!shouldRestart({ restartPolicy, exitCode: terminated.exitCode })) return false;
    this.lastState = terminated;
    const delay = this.restartBackoff.next(terminated.finishedAt.getTime() - terminated.startedAt.getTime());
    if (delay > 0) {
      const where = `pod=${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})`;
      this.set({
        kind: 'waiting',
        reason: 'CrashLoopBackOff',
        message: `back-off ${delay / 1000}s restarting failed container=${this.name} ${where}`,
      });
      this.deps.events.record({
        pod,
        container: this.name,
        type: EventType.Warning,
        reason: 'BackOff',
        message:
          `Back-off restarting failed container ${this.name} in pod ` +
          `${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})`,
      });
      await this.sleep(delay);
    }
    return !this.stopping;
  }

  /**
   * Runs the livenessProbe while `process` runs: after failureThreshold failures in a row the
   * attempt is stopped (SIGTERM, the probe's or the pod's grace, SIGKILL) and the restartPolicy
   * decides what follows, as the kubelet does.
   */
  private async watchLiveness(process: SupervisedProcess): Promise<void> {
    const probe = livenessCheck({ container: this.container, podIp: this.deps.podIp, env: {} });
    if (!probe) return;
    let ended = false;
    void process.exited.then(() => {
      ended = true;
    });
    const alive = () => !ended && !this.stopping && this.current === process;
    await Promise.race([this.sleep(probe.timing.initialDelayMs), process.exited]);
    let failures = 0;
    while (alive()) {
      const ok = await probe.check();
      if (!alive()) break;
      failures = ok ? 0 : failures + 1;
      if (failures >= probe.timing.failureThreshold) {
        const pod = this.deps.pod();
        const graceSeconds = probe.graceSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
        this.deps.events.record({
          pod,
          container: this.name,
          type: EventType.Warning,
          reason: 'Unhealthy',
          message: `Liveness probe failed ${failures} times in a row`,
        });
        this.deps.events.record({
          pod,
          container: this.name,
          type: EventType.Normal,
          reason: 'Killing',
          message: `Container ${this.name} failed liveness probe, will be restarted`,
        });
        await stopProcessGroup({ process, graceMs: graceSeconds * 1000 });
        return;
      }
      await Promise.race([this.sleep(probe.timing.periodMs), process.exited]);
    }
  }

  /** Keeps `ready` up to date while `process` runs. */
  private async watchReadiness(process: SupervisedProcess): Promise<void> {
    const probe = readinessCheck({ container: this.container, podIp: this.deps.podIp, env: {} });
    if (!probe) {
      this.set(this.state, true);
      return;
    }
    let ended = false;
    void process.exited.then(() => {
      ended = true;
    });
    const alive = () => !ended && !this.stopping && this.current === process;
    await this.sleep(probe.timing.initialDelayMs);
    let successes = 0;
    let failures = 0;
    while (alive()) {
      const ok = await probe.check();
      if (!alive()) break;
      successes = ok ? successes + 1 : 0;
      failures = ok ? 0 : failures + 1;
      if (!this.ready && successes >= probe.timing.successThreshold) this.set(this.state, true);
      if (this.ready && failures >= probe.timing.failureThreshold) {
        this.set(this.state, false);
        this.deps.events.record({
          pod: this.deps.pod(),
          container: this.name,
          type: EventType.Warning,
          reason: 'Unhealthy',
          message: 'Readiness probe failed',
        });
      }
      await Promise.race([this.sleep(probe.timing.periodMs), process.exited]);
    }
  }

  /** Waits `ms`, or less when the runner is stopped. */
  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }
}

/** The terminated state of an ended attempt: Completed for exit 0, OOMKilled when the kernel killed it, else Error. */
export function terminatedState(input: {
  exit: ProcessExit;
  startedAt: Date;
  oomKilled?: boolean;
}): ContainerState & { kind: 'terminated' } {
  const { exit } = input;
  return {
    kind: 'terminated',
    exitCode: exit.exitCode,
    reason: exit.exitCode === 0 ? 'Completed' : input.oomKilled ? 'OOMKilled' : 'Error',
    message: exit.killed ? 'killed (no exit code was recorded)' : undefined,
    startedAt: input.startedAt,
    finishedAt: exit.finishedAt,
  };
}
