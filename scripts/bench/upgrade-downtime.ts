/**
 * Benchmark (figures printed, not a test): upgrade downtime — the old job leaves RUNNING →
 * the new job is RUNNING — of flink-deploy's savepoint upgrade, recreate and blue-green (a second
 * application, `upgrade.strategy: blue-green`; issue 15), against a BASELINE script that
 * makes the same Flink REST and Kubernetes calls directly with tight (50 ms) polling, on the
 * same local stack, alternated in one run; median of N each (runs whose downtime could not be
 * measured are left out and reported). Also the Temporal actions of one upgrade (history,
 * retries, heartbeats and the CLI's --wait queries) and of one periodic savepoint, and the cost
 * of each strategy: the most pods and the most memory (the pods' memory requests) the upgraded
 * application had at once. The sides run in ABCCBA order (recreate, blue-green, baseline).
 *   node --import tsx scripts/bench/upgrade-downtime.ts [--runs 4]   (runs per side; even: balanced)
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import * as k8s from '@kubernetes/client-node';
import { applyUpdate } from '../../src/activities/record-changes';
import { FlinkRestClient, resolveFlinkEndpoint } from '../../src/flink';
import { createKubeClients, createKubeFacade, loadKubeConfig } from '../../src/k8s';
import { haConfigMapSelector, objectNames, renderApplication } from '../../src/k8s/render';
import { appPodSelector } from '../../src/activities/deployment';
import { applyFlinkRbac } from '../lib/flink-rbac';
import { haClusterId, loadAppSpec } from '../../src/spec';
import type { AppSpec } from '../../src/spec/types';
import { operationWorkflowId } from '../../src/contract/ids';
import { counterManifest } from '../lib/counter-app';
import { countActions, waitQueries } from './actions';
import { describeSummary, summarize } from './stats';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 4) || 4;
const root = path.resolve(__dirname, '..', '..');
const stackDir = process.env.FD_STACK_DIR ?? path.join(root, '.stack');
const temporalAddress = process.env.TEMPORAL_ADDRESS ?? `127.0.0.1:${process.env.FD_TEMPORAL_PORT ?? '7233'}`;
const kubeconfig = path.join(stackDir, 'kubeconfig');
/** FD_BENCH_NAMESPACE: run beside another benchmark (its own namespace, task queue and metrics port). */
const namespace = process.env.FD_BENCH_NAMESPACE ?? 'bench';
const app = 'bench-counter';
const dir = path.join(stackDir, namespace, app);
/** The blue-green side's application (its own generations beside the recreate one). */
const bgApp = 'bench-bg';
const bgDir = path.join(stackDir, namespace, bgApp);
const taskQueue = namespace === 'bench' ? 'flink-deploy-bench' : `flink-deploy-${namespace}`;
const pollMs = 500;
const env = {
  ...process.env,
  KUBECONFIG: kubeconfig,
  TEMPORAL_ADDRESS: temporalAddress,
  FLINK_DEPLOY_OBSERVE_NAMESPACES: namespace,
  FLINK_DEPLOY_TASK_QUEUE: taskQueue,
  FLINK_DEPLOY_METRICS_ADDRESS: namespace === 'bench' ? '127.0.0.1:9466' : '127.0.0.1:9476',
  FLINK_DEPLOY_POLL_INTERVAL: `${pollMs}ms`,
};
const cli = (args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'bin', 'flink-deploy.js'), ...args], { env, encoding: 'utf8' });
/** The CLI without blocking the event loop (the downtime sampler keeps sampling meanwhile). */
function cliAsync(args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'flink-deploy.js'), ...args], { env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('exit', (status) => resolve({ status, output }));
  });
}

const kube = createKubeFacade(createKubeClients(loadKubeConfig({ path: kubeconfig })));
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const core = kc.makeApiClient(k8s.CoreV1Api);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const flinkOf = async () =>
  new FlinkRestClient({
    baseUrl: await resolveFlinkEndpoint({
      app,
      namespace,
      lookup: { kind: 'endpoint-slice', listReadyAddresses: (i) => kube.readyEndpointAddresses(i) },
    }),
  });

function manifest(parallelism: number, which: typeof app | typeof bgApp = app): string {
  const [appDir, strategy] = which === bgApp ? [bgDir, { upgradeStrategy: 'blue-green' as const }] : [dir, {}];
  const file = path.join(appDir, `p${parallelism}.yaml`);
  const options = { app: which, namespace, dir: appDir, parallelism, windowSeconds: 5, timeoutSeconds: 600 };
  writeFileSync(file, counterManifest({ ...options, ...strategy }));
  return file;
}

/** Mebibytes of a Kubernetes memory quantity (Mi, Gi, M, G, or bytes). */
function mebibytes(quantity: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)(Mi|Gi|M|G)?$/.exec(quantity ?? '');
  if (!m) return 0;
  const n = Number(m[1]);
  const unit = m[2];
  if (unit === 'Gi') return n * 1024;
  if (unit === 'Mi') return n;
  if (unit === 'G') return (n * 1e9) / 2 ** 20;
  if (unit === 'M') return (n * 1e6) / 2 ** 20;
  return n / 2 ** 20;
}

/** Samples every 250 ms the application's pods: the most at once, and the most memory they requested. */
function peakSampler(which: string) {
  let stop = false;
  const peak = { pods: 0, memoryMiB: 0 };
  const done = (async () => {
    while (!stop) {
      const pods = await core
        .listNamespacedPod({ namespace, labelSelector: `app.kubernetes.io/instance=${which}` })
        .then((l) => l.items.filter((p) => p.status?.phase === 'Running' || p.status?.phase === 'Pending'))
        .catch(() => undefined);
      if (pods) {
        const memory = pods
          .flatMap((p) => p.spec?.containers ?? [])
          .reduce((sum, c) => sum + mebibytes(c.resources?.requests?.memory), 0);
        peak.pods = Math.max(peak.pods, pods.length);
        peak.memoryMiB = Math.max(peak.memoryMiB, memory);
      }
      await sleep(250);
    }
  })();
  return async () => {
    stop = true;
    await done;
    return peak;
  };
}

/** Samples every 50 ms which job ids the app's JobManagers report RUNNING; measures the gap. */
function downtimeSampler(oldJobId: string, which: string = app) {
  let stop = false;
  let leftAt: number | undefined;
  let newAt: number | undefined;
  const done = (async () => {
    while (!stop && newAt === undefined) {
      const pods = (
        await core.listNamespacedPod({
          namespace,
          labelSelector: `app.kubernetes.io/instance=${which},app.kubernetes.io/component=jobmanager`,
        })
      ).items;
      const running: string[] = [];
      let unknown = false;
      for (const pod of pods) {
        if (!pod.status?.podIP) continue;
        // A JobManager too slow to answer in 500 ms (a loaded machine) says nothing: the sample is
        // skipped. Refused or not found: that JobManager runs no job.
        const res = await fetch(`http://${pod.status.podIP}:8081/jobs`, { signal: AbortSignal.timeout(500) }).catch(
          (err: unknown) => ((err as Error).name === 'TimeoutError' ? 'timeout' : undefined),
        );
        if (res === 'timeout') unknown = true;
        const jobs =
          res && res !== 'timeout' && res.ok
            ? ((await res.json()) as { jobs: { id: string; status: string }[] }).jobs
            : [];
        running.push(...jobs.filter((j) => j.status === 'RUNNING').map((j) => j.id));
      }
      const now = Date.now();
      if (unknown) {
        await sleep(50);
        continue;
      }
      if (leftAt === undefined && !running.includes(oldJobId)) leftAt = now;
      if (leftAt !== undefined && running.some((id) => id !== oldJobId)) newAt = now;
      await sleep(50);
    }
  })();
  return async () => {
    stop = true;
    await done;
    return leftAt !== undefined && newAt !== undefined ? newAt - leftAt : NaN;
  };
}

async function readRecord(which: string = app) {
  const r = await kube.records.readRecord<AppSpec>(namespace, which);
  if (!r) throw new Error('no record');
  return r.record;
}

/** flink-deploy: the CLI starts the upgrade workflow, the worker runs it; also how long the CLI waited. */
async function oursUpgrade(
  parallelism: number,
  which: typeof app | typeof bgApp = app,
): Promise<{ downtimeMs: number; waitMs: number; peak: { pods: number; memoryMiB: number } }> {
  const before = await readRecord(which);
  const measure = downtimeSampler(before.jobId!, which);
  const peak = peakSampler(which);
  const began = Date.now();
  const r = await cliAsync(['apply', '-f', manifest(parallelism, which), '--wait', '--timeout', '10m']);
  const waitMs = Date.now() - began;
  if (r.status !== 0) throw new Error(`flink-deploy upgrade (${which}) failed: ${r.output}`);
  return { downtimeMs: await measure(), waitMs, peak: await peak() };
}

/** Baseline: the same calls, made directly, polling every 50 ms. */
async function baselineUpgrade(parallelism: number): Promise<number> {
  const before = await readRecord();
  const spec = loadAppSpec(
    counterManifest({ app, namespace, dir, parallelism, windowSeconds: 5, timeoutSeconds: 600 }),
  );
  const measure = downtimeSampler(before.jobId!);
  const flink = await flinkOf();
  const triggerId = randomUUID().replace(/-/g, '');
  await flink.stopWithSavepoint({ jobId: before.jobId!, triggerId });
  let location: string | undefined;
  while (!location) {
    const s = await flink.savepointStatus(before.jobId!, triggerId);
    if (s.kind === 'failed') throw new Error(s.cause);
    if (s.kind === 'completed') location = s.location;
    else await sleep(50);
  }
  // As flink-deploy's rollout does: the old generation's Deployments and pods gone, then its HA
  // ConfigMaps, before the new generation starts.
  const names = objectNames(app);
  for (const name of [names.jobManager, names.taskManager])
    await kube.delete({ apiVersion: 'apps/v1', kind: 'Deployment', namespace, name, propagationPolicy: 'Background' });
  await kube.waitForPodsGone({ namespace, labelSelector: appPodSelector(app), timeoutMs: 120_000, pollIntervalMs: 50 });
  await kube.deleteConfigMaps({ namespace, labelSelector: haConfigMapSelector(haClusterId(app, before.generation)) });
  const jobId = randomUUID().replace(/-/g, '');
  const generation = before.generation + 1;
  const record = await kube.records.readRecord(namespace, app);
  const objects = renderApplication({
    spec,
    generation,
    jobId,
    restore: { path: location, allowNonRestoredState: false },
    owner: { apiVersion: 'v1', kind: 'ConfigMap', name: `${app}-deploy-state`, uid: record!.uid },
  });
  await kube.apply([
    objects.configMap,
    objects.rpcService,
    objects.restService,
    objects.jobManager,
    objects.taskManager,
  ]);
  const deadline = Date.now() + 600_000;
  const bounded = (what: string) => {
    if (Date.now() > deadline)
      throw new Error(`baseline: ${what} not within 600 s (job ${jobId}, generation ${generation})`);
  };
  for (;;) {
    bounded('the new job RUNNING');
    const f = await flinkOf().catch(() => undefined);
    const state = f
      ? await f.jobDetails(jobId).then(
          (d) => d.state,
          () => undefined,
        )
      : undefined;
    if (state === 'RUNNING') break;
    await sleep(50);
  }
  const downtime = await measure();
  // Like flink-deploy's stability wait: every task RUNNING and a checkpoint, before the next run.
  for (;;) {
    bounded('every task RUNNING and a checkpoint');
    const f = await flinkOf();
    const d = await f.jobDetails(jobId);
    const c = await f.checkpoints(jobId);
    if (d.vertices.every((v) => v.status === 'RUNNING') && c.counts.completed > 0) break;
    await sleep(200);
  }
  // Tell the record what runs now, so the next flink-deploy upgrade starts from it.
  await kube.records.mutateRecord<AppSpec>({
    namespace,
    app,
    mutate: (r) =>
      applyUpdate(
        r,
        {
          app: { namespace, name: app },
          workflowId: '-',
          changes: [
            {
              kind: 'savepoint-completed',
              entry: {
                location,
                kind: 'upgrade',
                time: new Date().toISOString(),
                triggerId,
                jobId: before.jobId,
                disposed: false,
              },
            },
            { kind: 'stable', generation, jobId, spec },
          ],
        },
        new Date(),
      ),
  });
  return downtime;
}

async function main(): Promise<void> {
  await core.createNamespace({ body: { metadata: { name: namespace } } }).catch(() => undefined);
  await applyFlinkRbac(kube, namespace);
  await kube.delete({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace,
    name: `${app}-deploy-state`,
    propagationPolicy: 'Background',
  });
  await kube.delete({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace,
    name: `${bgApp}-deploy-state`,
    propagationPolicy: 'Background',
  });
  for (const which of [app, bgApp])
    await kube.waitForPodsGone({ namespace, labelSelector: `app.kubernetes.io/instance=${which}`, timeoutMs: 120_000 });
  for (const folder of [dir, bgDir]) {
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
  }
  const worker = spawn(process.execPath, [path.join(root, 'bin', 'flink-deploy.js'), 'worker'], {
    env,
    stdio: 'ignore',
  });
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  try {
    for (const which of [app, bgApp] as const) {
      const deployed = cli(['apply', '-f', manifest(2, which), '--wait', '--timeout', '10m']);
      if (deployed.status !== 0) throw new Error(`deploy failed: ${deployed.stdout}${deployed.stderr}`);
    }
    const ours: number[] = [];
    const blueGreen: number[] = [];
    const baseline: number[] = [];
    const upgradeActions: number[] = [];
    const blueGreenActions: number[] = [];
    const peaks = { recreate: { pods: 0, memoryMiB: 0 }, blueGreen: { pods: 0, memoryMiB: 0 } };
    // Every upgrade flips its application's parallelism (2 ↔ 3). Recreate and the baseline upgrade
    // the same application, so the flip follows the application, not the side: a side that set its
    // own target would meet a spec the other side had already deployed (flink-deploy: no change).
    // Rounds run in ABC then CBA order, so no side always runs first or last.
    const sides = ['recreate', 'blue-green', 'baseline'] as const;
    const current = { [app]: 2, [bgApp]: 2 };
    for (let round = 0; round < runs; round++) {
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) {
        const upgraded = side === 'blue-green' ? bgApp : app;
        const parallelism = current[upgraded] === 3 ? 2 : 3;
        current[upgraded] = parallelism;
        if (side === 'baseline') {
          baseline.push(await baselineUpgrade(parallelism));
          console.log(`round ${round + 1}: baseline     downtime ${baseline.at(-1)} ms (parallelism → ${parallelism})`);
          continue;
        }
        const which = side === 'blue-green' ? bgApp : app;
        const { downtimeMs, waitMs, peak } = await oursUpgrade(parallelism, which);
        (side === 'blue-green' ? blueGreen : ours).push(downtimeMs);
        const seen = side === 'blue-green' ? peaks.blueGreen : peaks.recreate;
        seen.pods = Math.max(seen.pods, peak.pods);
        seen.memoryMiB = Math.max(seen.memoryMiB, peak.memoryMiB);
        const last = (await readRecord(which)).history.at(-1)!;
        const counted = await countActions(client, last.workflowId, last.runId);
        const queries = waitQueries(counted);
        (side === 'blue-green' ? blueGreenActions : upgradeActions).push(counted.total + queries);
        console.log(
          `round ${round + 1}: ${side} downtime ${downtimeMs} ms (parallelism → ${parallelism}), ` +
            `${counted.total + queries} actions (${counted.historyActions} history + ${counted.retries} ` +
            `retries + ${counted.estimatedHeartbeats} heartbeats + ≤ ${queries} --wait queries, one per phase, ` +
            `over ${waitMs} ms), peak ${peak.pods} pods / ${peak.memoryMiB} MiB requested`,
        );
      }
    }
    const sp = cli(['savepoint', app, '-n', namespace, '--wait', '--timeout', '3m']);
    if (sp.status !== 0) throw new Error(`savepoint failed: ${sp.stdout}${sp.stderr}`);
    // A periodic savepoint as the schedule starts it (kind periodic, retention keep 3).
    const handle = await client.workflow.start('savepoint', {
      taskQueue,
      workflowId: `${operationWorkflowId({ namespace, name: app })}-periodic-bench`,
      args: [{ app: { namespace, name: app }, kind: 'periodic', retention: { keep: 3 } }],
    });
    await handle.result();
    const periodic = await countActions(client, handle.workflowId, handle.firstExecutionRunId);
    const [oursSummary, bgSummary, baselineSummary] = [summarize(ours), summarize(blueGreen), summarize(baseline)];
    const ms = (x: number) => `${Math.round(x)} ms`;
    console.log(
      `\nsamples (ms, NaN = not measured): recreate ${ours.join(' / ')}, blue-green ${blueGreen.join(' / ')}, ` +
        `baseline ${baseline.join(' / ')}`,
    );
    console.log(
      '\n| figure | flink-deploy recreate | flink-deploy blue-green | baseline (direct calls, 50 ms polling) |',
    );
    console.log('|---|---|---|---|');
    console.log(
      `| upgrade downtime | ${describeSummary(oursSummary, ms)} | ${describeSummary(bgSummary, ms)} | ` +
        `${describeSummary(baselineSummary, ms)} |`,
    );
    console.log(
      `| ratio to baseline | ${(oursSummary.median / baselineSummary.median).toFixed(3)} | ` +
        `${(bgSummary.median / baselineSummary.median).toFixed(3)} | 1 |`,
    );
    console.log(
      `| blue-green / recreate (goal ≤ 0.35) | - | ${(bgSummary.median / oursSummary.median).toFixed(3)} | - |`,
    );
    console.log(
      `| Temporal actions per upgrade (history + retries + estimated heartbeats + the CLI's --wait ` +
        `queries, at most) | ${describeSummary(summarize(upgradeActions), String)} | ` +
        `${describeSummary(summarize(blueGreenActions), String)} | - |`,
    );
    console.log(
      `| peak pods / memory requested during an upgrade | ${peaks.recreate.pods} / ${peaks.recreate.memoryMiB} MiB | ` +
        `${peaks.blueGreen.pods} / ${peaks.blueGreen.memoryMiB} MiB | - |`,
    );
    console.log(
      `| Temporal actions per periodic savepoint (no CLI waits on it) | ${periodic.total} ` +
        `(${periodic.historyActions} + ${periodic.retries} retries + ${periodic.estimatedHeartbeats} ` +
        `heartbeats) | - |`,
    );
  } finally {
    worker.kill('SIGTERM');
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
