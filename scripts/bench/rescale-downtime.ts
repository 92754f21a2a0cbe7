/**
 * Benchmark (figures printed, not a test): the downtime of a parallelism change 2 → 3 → 2 done in
 * place (adaptive scheduler, resource requirements) against the same change by the upgrade path
 * (savepoint, redeploy), both through flink-deploy on the same local stack, alternated in one run
 * (ABBA), median of N each. Downtime: from the first moment no job of the application has every task
 * RUNNING (or FINISHED) to the first moment one has again (sampled every 50 ms from each JobManager's
 * `/jobs/overview`), so a restart inside the JobManager counts as much as a redeploy.
 *   node --import tsx scripts/bench/rescale-downtime.ts [--runs 4]   (runs per side; even: balanced ABBA)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { createKubeClients, createKubeFacade, loadKubeConfig } from '../../src/k8s';
import { applyFlinkRbac } from '../lib/flink-rbac';
import { counterManifest } from '../lib/counter-app';
import { describeSummary, summarize } from './stats';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 4) || 4;
const root = path.resolve(__dirname, '..', '..');
const stackDir = process.env.FD_STACK_DIR ?? path.join(root, '.stack');
const kubeconfig = path.join(stackDir, 'kubeconfig');
const namespace = 'bench-rescale';
const env = {
  ...process.env,
  KUBECONFIG: kubeconfig,
  TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? `127.0.0.1:${process.env.FD_TEMPORAL_PORT ?? '7233'}`,
  FLINK_DEPLOY_OBSERVE_NAMESPACES: namespace,
  FLINK_DEPLOY_TASK_QUEUE: 'flink-deploy-bench-rescale',
  FLINK_DEPLOY_METRICS_ADDRESS: '127.0.0.1:9467',
  FLINK_DEPLOY_POLL_INTERVAL: '500ms',
};
const kube = createKubeFacade(createKubeClients(loadKubeConfig({ path: kubeconfig })));
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const core = kc.makeApiClient(k8s.CoreV1Api);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The two applications: the same counter job, with and without the adaptive scheduler. */
const sides = {
  inPlace: { app: 'rescale-in-place', adaptive: true },
  upgrade: { app: 'rescale-upgrade', adaptive: false },
} as const;
type Side = keyof typeof sides;

function manifest(side: Side, parallelism: number): string {
  const { app, adaptive } = sides[side];
  const dir = path.join(stackDir, 'bench', app);
  mkdirSync(dir, { recursive: true });
  const text = counterManifest({
    app,
    namespace,
    dir,
    parallelism,
    windowSeconds: 5,
    timeoutSeconds: 600,
    // The adaptive scheduler without its cool-down between rescales (30 s by default in Flink 2.x).
    ...(adaptive
      ? {
          flinkConfiguration: {
            'jobmanager.scheduler': 'adaptive',
            'jobmanager.adaptive-scheduler.executing.cooldown-after-rescaling': '0s',
          },
        }
      : {}),
  });
  const file = path.join(dir, `p${parallelism}.yaml`);
  writeFileSync(file, text);
  return file;
}

function cli(args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'flink-deploy.js'), ...args], { env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (status) => resolve({ status, output }));
  });
}

/** Whether some job of the app has every task RUNNING now (any JobManager pod of it). */
async function fullyRunning(app: string): Promise<boolean> {
  const pods = (
    await core.listNamespacedPod({
      namespace,
      labelSelector: `app.kubernetes.io/instance=${app},app.kubernetes.io/component=jobmanager`,
    })
  ).items;
  for (const pod of pods) {
    if (!pod.status?.podIP) continue;
    const res = await fetch(`http://${pod.status.podIP}:8081/jobs/overview`, {
      signal: AbortSignal.timeout(500),
    }).catch(() => undefined);
    if (!res?.ok) continue;
    const { jobs } = (await res.json()) as {
      jobs: { state: string; tasks: { total: number; running: number; finished: number } }[];
    };
    // A FINISHED subtask is done, not down: restored at a higher parallelism, the counter job's
    // sequence source has fewer splits than readers, and a reader without one finishes.
    const up = (t: { total: number; running: number; finished: number }) =>
      t.running > 0 && t.running + t.finished === t.total;
    if (jobs.some((j) => j.state === 'RUNNING' && up(j.tasks))) return true;
  }
  return false;
}

/** Samples every 50 ms until stopped; the downtime is the first gap in "fully running". */
function downtimeSampler(app: string) {
  let stop = false;
  let downAt: number | undefined;
  let upAt: number | undefined;
  const done = (async () => {
    while (!stop && upAt === undefined) {
      const up = await fullyRunning(app).catch(() => false);
      const now = Date.now();
      if (!up && downAt === undefined) downAt = now;
      if (up && downAt !== undefined) upAt = now;
      await sleep(50);
    }
  })();
  return async () => {
    // The apply returned: give the job up to 60 s more to be fully running (a late TaskManager).
    for (let i = 0; i < 1200 && upAt === undefined && downAt !== undefined; i++) await sleep(50);
    stop = true;
    await done;
    return downAt === undefined ? 0 : upAt !== undefined ? upAt - downAt : NaN;
  };
}

async function rescale(side: Side, parallelism: number): Promise<number> {
  const { app } = sides[side];
  const measure = downtimeSampler(app);
  const r = await cli(['apply', '-f', manifest(side, parallelism), '--wait', '--timeout', '8m']);
  if (r.status !== 0) throw new Error(`${side} apply → ${parallelism} failed: ${r.output}`);
  const expected = side === 'inPlace' ? 'rescaled in place' : 'restored from';
  if (!r.output.includes(expected)) throw new Error(`${side} apply did not say "${expected}": ${r.output}`);
  return measure();
}

async function main(): Promise<void> {
  await core.createNamespace({ body: { metadata: { name: namespace } } }).catch(() => undefined);
  await applyFlinkRbac(kube, namespace);
  for (const { app } of Object.values(sides))
    rmSync(path.join(stackDir, 'bench', app), { recursive: true, force: true });
  const worker = spawn(process.execPath, [path.join(root, 'bin', 'flink-deploy.js'), 'worker'], {
    env,
    stdio: 'ignore',
  });
  try {
    for (const side of Object.keys(sides) as Side[]) {
      const deployed = await cli(['apply', '-f', manifest(side, 2), '--wait', '--timeout', '8m']);
      if (deployed.status !== 0) throw new Error(`deploy of ${side} failed: ${deployed.output}`);
    }
    const samples: Record<Side, number[]> = { inPlace: [], upgrade: [] };
    // ABBA: in-place, upgrade, upgrade, in-place...; each turn is one change (3, then 2 on the side's next turn).
    const order: Side[] = Array.from({ length: runs * 2 }, (_, i) =>
      i % 4 === 0 || i % 4 === 3 ? 'inPlace' : 'upgrade',
    );
    for (const [i, side] of order.entries()) {
      const parallelism = samples[side].length % 2 === 0 ? 3 : 2;
      samples[side].push(await rescale(side, parallelism));
      console.log(`run ${i + 1}: ${side.padEnd(7)} → parallelism ${parallelism}: downtime ${samples[side].at(-1)} ms`);
    }
    const [a, b] = [summarize(samples.inPlace), summarize(samples.upgrade)];
    const ms = (x: number) => `${(x / 1000).toFixed(2)} s`;
    console.log(`\nsamples (ms): in place ${samples.inPlace.join(' / ')}; upgrade ${samples.upgrade.join(' / ')}`);
    console.log('\n| parallelism 2 → 3 → 2 | in place (adaptive scheduler) | upgrade path (savepoint) |');
    console.log('|---|---|---|');
    console.log(`| downtime | ${describeSummary(a, ms)} | ${describeSummary(b, ms)} |`);
    console.log(`| ratio (goal ≤ 0.25) | ${(a.median / b.median).toFixed(3)} | 1 |`);
    for (const { app } of Object.values(sides))
      await cli(['delete', app, '-n', namespace, '--wait', '--timeout', '5m']);
  } finally {
    worker.kill('SIGTERM');
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
