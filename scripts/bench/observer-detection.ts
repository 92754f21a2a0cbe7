/**
 * Benchmark (issue 10; figures printed, not a timed test): how long from the JobManager's death
 * until `flink-deploy status` shows that the observer noticed (health `jobmanager-unreachable` or
 * `restarting`), and until it shows `healthy` again. On the local stack, with the stateful counter
 * job (HA on, the default), two ways of killing the JobManager:
 *   - `pod-delete`: its pod deleted (an eviction, a node loss: a new pod, a new address);
 *   - `sigkill`:    its Java process SIGKILLed (an OOM kill, a crash: the same pod restarts it).
 * Each way is measured with the observer's default interval (15 s) and with 5 s, alternated in
 * ABBA order in one run (a fresh worker and observer per switch); medians of N per cell.
 *
 * Each kill comes at a random point of the observer's interval (after a sweep seen, a random wait
 * of up to one interval). The times come from polling the deployed-state record every 250 ms (the `observed` field that
 * `status` shows); at each detection `flink-deploy status --output json` is run once and must show
 * the same health (the CLI's own start-up, ~1-2 s, is not in the figures). A kill the observer
 * never noticed (the job back to healthy before a sweep saw it down) is counted as "missed".
 *
 * Usage: FD_STACK_DIR=/work/main/.stack npx tsx scripts/bench/observer-detection.ts [--runs 2]
 * (--runs: ABBA blocks; each block kills twice per way and interval: 2 × 2 × 2 × runs kills, ~1 min each).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import * as k8s from '@kubernetes/client-node';
import { Health, observerWorkflowId, type ObservedHealth } from '../../src/contract/observed-health';
import { createKubeClients, createKubeFacade, loadKubeConfig } from '../../src/k8s';
import { findPodProcesses } from '../../src/local/node-agent/proc';
import type { AppSpec } from '../../src/spec/types';
import { counterManifest } from '../lib/counter-app';
import { applyFlinkRbac } from '../lib/flink-rbac';
import { describeSummary, summarize } from './stats';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 2;
const root = path.resolve(__dirname, '..', '..');
const stackDir = process.env.FD_STACK_DIR ?? path.join(root, '.stack');
const kubeconfig = path.join(stackDir, 'kubeconfig');
const namespace = 'bench-detect';
const app = 'detect-counter';
const dir = path.join(stackDir, 'bench', app);
const taskQueue = 'flink-deploy-bench-detect';
const intervals = [15, 5] as const;
const ways = ['pod-delete', 'sigkill'] as const;
type Interval = (typeof intervals)[number];
type Way = (typeof ways)[number];

const baseEnv = {
  ...process.env,
  KUBECONFIG: kubeconfig,
  FLINK_DEPLOY_TASK_QUEUE: taskQueue,
  FLINK_DEPLOY_OBSERVE_NAMESPACES: namespace,
  FLINK_DEPLOY_METRICS_ADDRESS: '127.0.0.1:9467',
};
const cliPath = path.join(root, 'bin', 'flink-deploy.js');
const cli = (args: string[]) => spawnSync(process.execPath, [cliPath, ...args], { env: baseEnv, encoding: 'utf8' });
const kube = createKubeFacade(createKubeClients(loadKubeConfig({ path: kubeconfig })));
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const core = kc.makeApiClient(k8s.CoreV1Api);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const down: readonly string[] = [Health.JobManagerUnreachable, Health.Restarting];

async function observed(): Promise<ObservedHealth | undefined> {
  return (await kube.records.readRecord<AppSpec>(namespace, app))?.record.observed;
}

/** Polls the record every 250 ms until `test` holds; undefined after `timeoutMs`. */
async function until<T>(test: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await test().catch(() => undefined);
    if (v !== undefined) return v;
    await sleep(250);
  }
  return undefined;
}

async function jobManagerPod(): Promise<k8s.V1Pod> {
  const pods = (
    await core.listNamespacedPod({
      namespace,
      labelSelector: `app.kubernetes.io/instance=${app},app.kubernetes.io/component=jobmanager`,
    })
  ).items.filter((p) => !p.metadata?.deletionTimestamp);
  if (pods.length !== 1) throw new Error(`expected one JobManager pod, found ${pods.length}`);
  return pods[0]!;
}

/** Kills the JobManager one way; resolves with the time of the kill (epoch ms). */
async function kill(way: Way): Promise<number> {
  const pod = await jobManagerPod();
  if (way === 'pod-delete') {
    const at = Date.now();
    await core.deleteNamespacedPod({ namespace, name: pod.metadata!.name! });
    return at;
  }
  const java = findPodProcesses(pod.metadata!.uid!).filter((p) => {
    try {
      return readFileSync(`/proc/${p.pid}/comm`, 'utf8').trim() === 'java';
    } catch {
      return false;
    }
  });
  if (java.length !== 1) throw new Error(`expected one java process in the JobManager pod, found ${java.length}`);
  const at = Date.now();
  process.kill(java[0]!.pid, 'SIGKILL');
  return at;
}

let worker: ChildProcess | undefined;

async function startWorker(client: Client, interval: Interval): Promise<void> {
  if (worker) {
    const w = worker;
    const gone = new Promise((r) => w.once('exit', r));
    w.kill('SIGTERM');
    await gone;
  }
  // The observer's interval is its workflow's input: a fresh observer for the new interval.
  await client.workflow
    .getHandle(observerWorkflowId(taskQueue))
    .terminate('benchmark: observer interval changes')
    .catch(() => undefined);
  worker = spawn(process.execPath, [cliPath, 'worker'], {
    env: { ...baseEnv, FLINK_DEPLOY_OBSERVE_INTERVAL: `${interval}s` },
    stdio: 'ignore',
  });
}

/** Waits until the job runs and the observer has seen it healthy after `after` (epoch ms). */
async function settled(after: number): Promise<void> {
  const ok = await until(async () => {
    const o = await observed();
    return o?.health === Health.Healthy && Date.parse(o.observedAt) > after ? true : undefined;
  }, 300_000);
  if (!ok) throw new Error(`the observer did not see ${app} healthy within 5 minutes (is the stack busy?)`);
}

interface Sample {
  detectMs: number;
  healthyMs: number;
  health?: string;
}

async function measure(way: Way, interval: Interval): Promise<Sample> {
  await settled(Date.now());
  // settled() returns right after a sweep wrote: kill at a random point of the interval, as a
  // real failure would come, not always just after a sweep (that would measure the worst case).
  await sleep(Math.random() * interval * 1000);
  const killedAt = await kill(way);
  const detection = await until(
    async () => {
      const o = await observed();
      return o && down.includes(o.health) && Date.parse(o.since) >= killedAt - 1000
        ? { at: Date.now(), health: o.health }
        : undefined;
    },
    Math.max(120_000, 8 * interval * 1000),
  );
  if (!detection) {
    await settled(killedAt);
    return { detectMs: NaN, healthyMs: NaN };
  }
  const shown = JSON.parse(cli(['status', app, '-n', namespace, '--output', 'json']).stdout || '{}') as {
    observed?: { health?: string };
  };
  const health = shown.observed?.health;
  if (health === undefined || (!down.includes(health) && health !== Health.Healthy))
    throw new Error(`status --output json does not show the observer's health: ${JSON.stringify(shown)}`);
  const back = await until(async () => {
    const o = await observed();
    return o?.health === Health.Healthy && Date.parse(o.since) > killedAt ? Date.now() : undefined;
  }, 300_000);
  return { detectMs: detection.at - killedAt, healthyMs: back ? back - killedAt : NaN, health: detection.health };
}

async function main(): Promise<void> {
  await core.createNamespace({ body: { metadata: { name: namespace } } }).catch(() => undefined);
  await applyFlinkRbac(kube, namespace);
  await core
    .deleteNamespacedConfigMap({ namespace, name: `${app}-deploy-state`, propagationPolicy: 'Background' })
    .catch(() => undefined);
  await kube.waitForPodsGone({ namespace, labelSelector: `app.kubernetes.io/instance=${app}`, timeoutMs: 120_000 });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'app.yaml');
  writeFileSync(file, counterManifest({ app, namespace, dir, windowSeconds: 5 }));
  const connection = await Connection.connect({ address: '127.0.0.1:7233' });
  const client = new Client({ connection });
  const others = async () => {
    const found: string[] = [];
    for await (const w of client.workflow.list({
      query: `WorkflowType='observer' AND ExecutionStatus='Running'`,
    }))
      if (w.workflowId !== observerWorkflowId(taskQueue)) found.push(w.workflowId);
    return found;
  };
  const samples = new Map<string, Sample[]>();
  try {
    console.log(
      `other observers running (one that observes all namespaces also sweeps ${namespace} and may notice first): ` +
        `${(await others()).join(', ') || 'none'}`,
    );
    await startWorker(client, intervals[0]);
    const deployed = cli(['apply', '-f', file, '--wait', '--timeout', '6m']);
    if (deployed.status !== 0) throw new Error(`deploy failed: ${deployed.stdout}${deployed.stderr}`);
    // ABBA over the intervals; within a block each way once per interval, also alternated.
    for (let block = 0; block < runs * 2; block++) {
      const interval = intervals[block % 4 === 0 || block % 4 === 3 ? 0 : 1];
      if (block > 0) await startWorker(client, interval);
      for (const way of block % 2 === 0 ? ways : [...ways].reverse()) {
        const s = await measure(way, interval);
        const key = `${way} ${interval}`;
        samples.set(key, [...(samples.get(key) ?? []), s]);
        const noticed = Number.isNaN(s.detectMs) ? 'never (missed)' : `after ${(s.detectMs / 1000).toFixed(1)} s`;
        console.log(
          `${way.padEnd(10)} interval ${String(interval).padStart(2)} s: noticed ${noticed} (${s.health ?? '-'})` +
            `, healthy again after ${(s.healthyMs / 1000).toFixed(1)} s`,
        );
      }
    }
    const sec = (x: number) => `${(x / 1000).toFixed(1)} s`;
    console.log(`\n| JobManager killed by | figure | interval 15 s (default) | interval 5 s |`);
    console.log('|---|---|---|---|');
    for (const way of ways)
      for (const [figure, pick] of [
        ['kill → status shows it noticed', (s: Sample) => s.detectMs],
        ['kill → status shows healthy again', (s: Sample) => s.healthyMs],
      ] as const) {
        const cells = intervals.map((i) =>
          describeSummary(summarize((samples.get(`${way} ${i}`) ?? []).map(pick)), sec),
        );
        console.log(`| ${way} | ${figure} | ${cells.join(' | ')} |`);
      }
    console.log(`\nother observers running at the end: ${(await others()).join(', ') || 'none'}`);
  } finally {
    worker?.kill('SIGTERM');
    await client.workflow
      .getHandle(observerWorkflowId(taskQueue))
      .terminate('benchmark finished')
      .catch(() => undefined);
    await core
      .deleteNamespacedConfigMap({ namespace, name: `${app}-deploy-state`, propagationPolicy: 'Background' })
      .catch(() => undefined);
    await connection.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
