/**
 * What the fleet benchmarks share: the local stack's addresses, a namespace of deployed-state
 * records (real ConfigMaps) for applications whose Flink is the load stand-in, and one real worker
 * process (built JavaScript, as installed) whose Flink REST calls go to the stand-in.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import type { Client } from '@temporalio/client';
import { createKubeClients, createKubeFacade, loadKubeConfig, type KubeFacade } from '../../../src/k8s';
import { emptyRecord } from '../../../src/k8s/state-record/types';
import { loadAppSpec } from '../../../src/spec';
import type { AppSpec } from '../../../src/spec/types';
import { counterManifest, type CounterManifestOptions } from '../../lib/counter-app';
import { applyFlinkRbac } from '../../lib/flink-rbac';

export const root = path.resolve(__dirname, '..', '..', '..');
export const stackDir = process.env.FD_STACK_DIR ?? path.join(root, '.stack');
export const kubeconfig = path.join(stackDir, 'kubeconfig');
export const temporalAddress = process.env.TEMPORAL_ADDRESS ?? `127.0.0.1:${process.env.FD_TEMPORAL_PORT ?? '7233'}`;
export const cliEntry = path.join(root, 'bin', 'flink-deploy.js');

/** Scheduler name of the benchmark's pods: no node binds them, so no Flink process starts (Flink is the stand-in). */
export const unscheduledPods = 'flink-deploy-bench-stand-in';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The value of `--name` on the command line, or `fallback`. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** Runs `task` over `items`, at most `limit` at a time. */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}

/** The counter application's manifest, its pods left unscheduled (Flink is the stand-in). */
export function standInManifest(o: CounterManifestOptions): string {
  return counterManifest(o).replace(
    /^spec:\n/m,
    `spec:\n  podTemplate:\n    spec:\n      schedulerName: ${unscheduledPods}\n`,
  );
}

export interface BenchNamespace {
  name: string;
  taskQueue: string;
  kube: KubeFacade;
  core: k8s.CoreV1Api;
  /** Creates the records of `apps` applications running generation 1 of `manifest(app)`. */
  createRecords(apps: readonly string[], manifest: (app: string) => string): Promise<void>;
  remove(): Promise<void>;
}

export async function benchNamespace(prefix: string): Promise<BenchNamespace> {
  if (!existsSync(path.join(root, 'dist', 'cli', 'main.js')))
    throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const kube = createKubeFacade(createKubeClients(loadKubeConfig({ path: kubeconfig })));
  const suffix = randomUUID().slice(0, 6);
  const name = `${prefix}-${suffix}`;
  await core.createNamespace({ body: { metadata: { name } } });
  // Flink's ServiceAccount and Role, which the pre-flight of an upgrade requires.
  await applyFlinkRbac(kube, name);
  return {
    name,
    taskQueue: name,
    kube,
    core,
    async createRecords(apps, manifest) {
      await eachLimited(apps, 20, async (app) => {
        const spec: AppSpec = loadAppSpec(manifest(app));
        await kube.records.createRecord(name, {
          ...emptyRecord<AppSpec>(name, app),
          generation: 1,
          jobId: randomUUID().replace(/-/g, ''),
          status: 'running',
          lastAppliedSpec: spec,
          lastStableSpec: spec,
        });
      });
    },
    async remove() {
      await core.deleteNamespace({ name }).catch(() => undefined);
    },
  };
}

/** Environment of the worker and the CLI of a benchmark namespace. */
export function benchEnv(ns: BenchNamespace, flinkProxy: string, metricsAddress: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    FLINK_DEPLOY_RUN: 'dist',
    KUBECONFIG: kubeconfig,
    TEMPORAL_ADDRESS: temporalAddress,
    FLINK_DEPLOY_TASK_QUEUE: ns.taskQueue,
    FLINK_DEPLOY_FLINK_PROXY: flinkProxy,
    FLINK_DEPLOY_FLINK_ENDPOINT: 'service-dns',
    FLINK_DEPLOY_OBSERVE_NAMESPACES: ns.name,
    FLINK_DEPLOY_METRICS_ADDRESS: metricsAddress,
    FLINK_DEPLOY_LOG_LEVEL: 'warn',
    // As the chart and the image start it (docs/fleet.md, worker memory).
    MALLOC_ARENA_MAX: '2',
  };
}

/** Starts `flink-deploy worker`, its output in the stack's logs folder. */
export function startWorker(ns: BenchNamespace, env: NodeJS.ProcessEnv): ChildProcess {
  const worker = spawn(process.execPath, [cliEntry, 'worker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(path.join(stackDir, 'logs', `bench-worker-${ns.name}.log`));
  worker.stdout!.pipe(log);
  worker.stderr!.pipe(log);
  return worker;
}

/**
 * Terminates every run still open on the benchmark's task queue (the observer, schedule runs or
 * rollout children its worker left): with the worker gone nobody would close them, and hundreds of
 * open runs weigh on the shared Temporal server. Returns how many it terminated.
 */
export async function terminateLeftovers(client: Client, taskQueue: string): Promise<number> {
  const open: { workflowId: string; runId: string }[] = [];
  for await (const run of client.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` }))
    open.push({ workflowId: run.workflowId, runId: run.runId });
  await eachLimited(open, 20, (run) =>
    client.workflow
      .getHandle(run.workflowId, run.runId)
      .terminate('end of the benchmark')
      .then(() => undefined)
      .catch(() => undefined),
  );
  return open.length;
}
