/**
 * End-to-end harness on the whole local stack: a real worker process (killable), the real
 * CLI as a subprocess, a namespace per test, and readers of the real outcome (Flink REST, the
 * deployed-state record, the counter job's output files).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import { observerWorkflowId } from '../../src/contract/observed-health';
import { FlinkRestClient, resolveFlinkEndpoint } from '../../src/flink';
import { createKubeClients, createKubeFacade, loadKubeConfig, type KubeFacade } from '../../src/k8s';
import type { AppSpec } from '../../src/spec/types';
import {
  continuity,
  counterKeys,
  counterManifest,
  countsByKey,
  type CounterManifestOptions,
  type OutputMark,
} from '../../scripts/lib/counter-app';
import { applyFlinkRbac } from '../../scripts/lib/flink-rbac';
import { findPodProcesses } from '../../src/local/node-agent/proc';
import { stack } from './stack';
import { eventually as pollEventually } from './eventually';
import { e2eWorkflowBundle } from './workflow-bundle';

export {
  continuity,
  counterKeys,
  countsByKey,
  markOutput,
  maxCounts,
  startsFromOne,
} from '../../scripts/lib/counter-app';

const node = path.join(stack.root, 'node_modules', '.bin', 'node');
const cliEntry = path.join(stack.root, 'bin', 'flink-deploy.js');

export const kube: KubeFacade = createKubeFacade(createKubeClients(loadKubeConfig({ path: stack.kubeconfig })));
const kc = new k8s.KubeConfig();
kc.loadFromFile(stack.kubeconfig);
export const core = kc.makeApiClient(k8s.CoreV1Api);
export const apps = kc.makeApiClient(k8s.AppsV1Api);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A worker and CLI bound to one task queue, and one namespace. */
export class E2eEnv {
  readonly taskQueue = `e2e-${randomUUID().slice(0, 8)}`;
  readonly namespace: string;
  readonly dir: string;
  worker: ChildProcess | undefined;
  /**
   * Below Linux's ephemeral ports (32768 and up, taken by outgoing connections: a worker once failed to start,
   * "Address already in use", on 3xxxx) and the faults stack's (30000 and up).
   */
  readonly metricsPort = 20000 + Math.floor(Math.random() * 10000);
  /** Settings of this test's worker and CLI beyond the harness's own (e.g. a short observer interval). */
  extraEnv: Record<string, string> = {};
  /** The `flink-deploy` script the worker and CLI run: this checkout's, or an installed package's. */
  cliEntry = cliEntry;

  constructor(prefix: string) {
    this.namespace = `${prefix}-${randomUUID().slice(0, 6)}`;
    this.dir = path.join(stack.dir, 'e2e', this.namespace);
    mkdirSync(this.dir, { recursive: true });
  }

  env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      KUBECONFIG: stack.kubeconfig,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      FLINK_DEPLOY_TASK_QUEUE: this.taskQueue,
      FLINK_DEPLOY_METRICS_ADDRESS: `127.0.0.1:${this.metricsPort}`,
      FLINK_DEPLOY_POLL_INTERVAL: '500ms',
      // Each test's observer (docs/observer.md) sweeps only the test's own namespace.
      FLINK_DEPLOY_OBSERVE_NAMESPACES: this.namespace,
      // This checkout's workers load its workflows bundled once (an installed package loads its own).
      ...(this.cliEntry === cliEntry ? { FLINK_DEPLOY_WORKFLOW_BUNDLE: e2eWorkflowBundle() } : {}),
      ...this.extraEnv,
    };
  }

  async setUp(): Promise<void> {
    await core.createNamespace({ body: { metadata: { name: this.namespace } } });
    // Flink's ServiceAccount and Role (JobManager HA is on for savepoint/last-state apps).
    await applyFlinkRbac(kube, this.namespace);
    this.startWorker();
  }

  startWorker(): void {
    this.worker = this.spawnWorker();
  }

  /** Another worker process on the same task queue (its own metrics address and log); the caller kills it. */
  spawnWorker(extraEnv: Record<string, string> = {}, logName = 'worker.log'): ChildProcess {
    const log = path.join(this.dir, logName);
    const worker = spawn(node, [this.cliEntry, 'worker'], {
      env: { ...this.env(), ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const append = (chunk: Buffer) => writeFileSync(log, chunk, { flag: 'a' });
    worker.stdout?.on('data', append);
    worker.stderr?.on('data', append);
    return worker;
  }

  /** SIGKILL the worker (a crash) and wait until it is gone. */
  async killWorker(): Promise<void> {
    const w = this.worker;
    // A process killed by a signal has signalCode set and exitCode null: it is gone too.
    if (!w || w.exitCode !== null || w.signalCode !== null) return;
    const exited = new Promise((r) => w.once('exit', r));
    w.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM the worker (a graceful shutdown, as a rolling update sends) and wait until it exited. */
  async terminateWorker(): Promise<void> {
    const w = this.worker;
    if (!w || w.exitCode !== null) return;
    const exited = new Promise((r) => w.once('exit', r));
    w.kill('SIGTERM');
    await exited;
  }

  async tearDown(): Promise<void> {
    await this.killWorker();
    await this.stopObserver();
    await core.deleteNamespace({ name: this.namespace }).catch(() => undefined);
  }

  /** Terminate the observer the worker started on this test's task queue (it would wait for a worker forever). */
  async stopObserver(): Promise<void> {
    const connection = await Connection.connect({ address: stack.temporalAddress });
    try {
      await new Client({ connection }).workflow
        .getHandle(observerWorkflowId(this.taskQueue))
        .terminate('end of the test')
        .catch(() => undefined);
    } finally {
      await connection.close();
    }
  }

  /** Run the CLI; resolves with its exit code and output. */
  cli(args: string[], opts: { onStdout?: (text: string) => void } = {}): Promise<CliResult> {
    return new Promise((resolve) => {
      const child = spawn(node, [this.cliEntry, ...args], { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        opts.onStdout?.(stdout + stderr);
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        opts.onStdout?.(stdout + stderr);
      });
      // 'close', not 'exit': the output may still be in the pipes when the process exits.
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  /** Write the counter application's manifest; returns its path. */
  manifest(app: string, opts: Omit<CounterManifestOptions, 'app' | 'namespace' | 'dir'> = {}): string {
    const appDir = path.join(this.dir, app);
    const file = path.join(appDir, `manifest-${randomUUID().slice(0, 6)}.yaml`);
    mkdirSync(appDir, { recursive: true });
    writeFileSync(file, counterManifest({ app, namespace: this.namespace, dir: appDir, ...opts }));
    return file;
  }

  /** Where the app's job writes its counts: `out` unless the manifest named another folder (one per generation). */
  outputDir(app: string, folder = 'out'): string {
    return path.join(this.dir, app, folder);
  }
}

/** The deployed-state record as the cluster holds it. */
export async function readRecord(namespace: string, app: string) {
  const r = await kube.records.readRecord<AppSpec>(namespace, app);
  if (!r) throw new Error(`no record for ${namespace}/${app}`);
  return r.record;
}

/** A Flink client for the app's JobManager (through the Service's ready pod address). */
export async function flinkOf(namespace: string, app: string): Promise<FlinkRestClient> {
  const baseUrl = await resolveFlinkEndpoint({
    app,
    namespace,
    lookup: { kind: 'endpoint-slice', listReadyAddresses: (i) => kube.readyEndpointAddresses(i) },
  });
  return new FlinkRestClient({ baseUrl });
}

/** Pods of the namespace still present. */
export async function podNames(namespace: string): Promise<string[]> {
  return (await core.listNamespacedPod({ namespace })).items.map((p) => p.metadata?.name ?? '');
}

export function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  return pollEventually(what, probe, { timeoutMs, intervalMs: 500 });
}

/** Remove an application: delete its record (owner references cascade) and wait for its pods to go. */
export async function removeApp(namespace: string, app: string): Promise<void> {
  await core
    .deleteNamespacedConfigMap({ name: `${app}-deploy-state`, namespace, propagationPolicy: 'Background' })
    .catch(() => undefined);
  await eventually(
    `pods of ${app} gone`,
    async () => ((await podNames(namespace)).some((p) => p.startsWith(`${app}-`)) ? undefined : true),
    120_000,
  );
}

/** Names of the app's Deployments still present (`<app>-…`). */
export async function appDeploymentNames(namespace: string, app: string): Promise<string[]> {
  return (await apps.listNamespacedDeployment({ namespace })).items
    .map((d) => d.metadata?.name ?? '')
    .filter((n) => n.startsWith(`${app}-`));
}

/** Uids of the app's pods still present (`<app>-…`). */
export async function appPodUids(namespace: string, app: string): Promise<string[]> {
  return (await core.listNamespacedPod({ namespace })).items
    .filter((p) => (p.metadata?.name ?? '').startsWith(`${app}-`))
    .map((p) => p.metadata?.uid ?? '')
    .filter((uid) => uid !== '');
}

/** Live local processes that run one of these pods (the node agent tags each with its pod uid). */
export function liveProcessesOfPods(podUids: string[]): Array<{ pid: number; podUid: string }> {
  return findPodProcesses().filter((p) => podUids.includes(p.podUid));
}

/** A file URI (file:/x or file:///x) as a local path. */
export function localPathOf(uri: string): string {
  return uri.replace(/^file:\/*/, '/');
}

/** Two file URIs name the same place (Flink writes file:/x, we may record file:///x). */
export function sameLocation(a: string | null | undefined, b: string | null | undefined): boolean {
  return a != null && b != null && localPathOf(a).replace(/\/+$/, '') === localPathOf(b).replace(/\/+$/, '');
}

/**
 * Flink (the running job's JobManager) says job `jobId` of `app` runs, restored from `location`, a
 * savepoint. The app is named in the failure so a fleet's check says which application it was.
 */
export async function expectRestoredFrom(
  namespace: string,
  app: string,
  jobId: string,
  location: string | undefined,
): Promise<void> {
  const flink = await flinkOf(namespace, app);
  expect({ app, state: (await flink.jobDetails(jobId)).state }).toEqual({ app, state: 'RUNNING' });
  const restored = (await flink.checkpoints(jobId)).latestRestored;
  expect({ app, isSavepoint: restored?.isSavepoint }).toEqual({ app, isSavepoint: true });
  // As sameLocation compares them (file:/x and file:///x, a trailing slash), shown on a mismatch.
  const place = (uri: string | null | undefined) => (uri ? localPathOf(uri).replace(/\/+$/, '') : uri);
  expect({ app, restoredFrom: place(restored?.externalPath) }).toEqual({ app, restoredFrom: place(location) });
}

/**
 * Waits until the job writing to `outputDir` has written (after `since`, if given) at least
 * `lines` counts of EVERY key; returns those counts per key. Fails, naming the keys short of
 * lines, when it does not happen in time: a job that writes nothing never passes.
 */
export async function newCountsOfEveryKey(
  outputDir: string,
  opts: { since?: OutputMark; lines?: number; timeoutMs?: number } = {},
): Promise<Map<number, number[]>> {
  const lines = opts.lines ?? 3;
  let last = new Map<number, number[]>();
  try {
    return await eventually(
      `${lines} new counts of each of the ${counterKeys} keys in ${outputDir}`,
      async () => {
        last = countsByKey(outputDir, opts.since);
        const short = Array.from({ length: counterKeys }, (_, k) => k).filter(
          (k) => (last.get(k)?.length ?? 0) < lines,
        );
        return short.length === 0 ? last : undefined;
      },
      opts.timeoutMs ?? 90_000,
    );
  } catch (err) {
    const seen = Array.from({ length: counterKeys }, (_, k) => `key ${k}: ${last.get(k)?.length ?? 0}`).join(', ');
    throw new Error(`${(err as Error).message} (new counts so far: ${seen})`);
  }
}

/**
 * A job restored from a checkpoint of the old one, cancelled after it (a last-state upgrade): the old job may have
 * counted past the checkpoint, so the new job's first count of EVERY key is one more than a count the old job
 * reached (the checkpoint's), never 1. `old`: the old job's counts per key; `next`: the new job's.
 */
export function expectContinuedFromCheckpoint(old: Map<number, number[]>, next: Map<number, number[]>): void {
  for (const k of continuity(old, next)) {
    const restored = (k.firstNew ?? 0) - 1;
    expect({ key: k.key, restored, reachedByOldJob: (old.get(k.key) ?? []).includes(restored) }).toEqual({
      key: k.key,
      restored,
      reachedByOldJob: true,
    });
    expect(restored).toBeGreaterThan(0);
  }
}
