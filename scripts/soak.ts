/**
 * The soak (issue 12): N applications (the counter job), each upgraded M times in a row, with
 * periodic savepoints every 30 s and a random worker SIGKILL about every minute (the soak runs
 * its own workers on its own task queue and starts them again). Prints, from Flink,
 * Kubernetes, the disk and the job's own output: lost state (keys whose count started over or
 * went back), duplicate jobs (two RUNNING, or two JobManager pods, at a 250 ms sample), stuck
 * locks, orphan savepoints, and the workers' RSS at start and end. Exit 0 when all are zero,
 * 1 otherwise, 2 for a bad option.
 *   npm run soak -- [--apps 3] [--upgrades 100] [--kill-every 60] [--savepoint-every 30]
 * Needs the local stack up (FD_STACK_DIR, default .stack); builds dist/ first and runs it. See docs/soak.md.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import { observerWorkflowId } from '../src/contract/observed-health';
import { createKubeClients, createKubeFacade, loadKubeConfig } from '../src/k8s';
import type { AppSpec } from '../src/spec/types';
import { counterKeys, counterManifest, countsByKey } from './lib/counter-app';
import { applyFlinkRbac } from './lib/flink-rbac';
import { auditSavepoints, holderStatus, type SavepointAudit, type StuckLock } from './soak/end-checks';
import { judgeContinuity, type ContinuityReport, type GenerationChain } from './soak/continuity';
import { JobSampler } from './soak/job-sampler';
import { parseSoakOptions, soakUsage, SoakUsageError, type SoakOptions } from './soak/options';
import { WorkerPool, type WorkerRss } from './soak/worker-pool';
import { summarize } from './bench/stats';

const root = path.resolve(__dirname, '..');
const stackDir = process.env.FD_STACK_DIR ?? path.join(root, '.stack');
const kubeconfig = path.join(stackDir, 'kubeconfig');
const temporalAddress = process.env.TEMPORAL_ADDRESS ?? `127.0.0.1:${process.env.FD_TEMPORAL_PORT ?? '7233'}`;
const node = process.execPath;
const cliEntry = path.join(root, 'bin', 'flink-deploy.js');
const runId = randomUUID().slice(0, 6);
const namespace = `soak-${runId}`;
const taskQueue = `soak-${runId}`;
const dir = path.join(stackDir, 'soak', namespace);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  // The built package (dist/, the workflow code bundled ahead of time), as an installed flink-deploy runs.
  FLINK_DEPLOY_RUN: 'dist',
  KUBECONFIG: kubeconfig,
  TEMPORAL_ADDRESS: temporalAddress,
  FLINK_DEPLOY_TASK_QUEUE: taskQueue,
  FLINK_DEPLOY_POLL_INTERVAL: '500ms',
  FLINK_DEPLOY_OBSERVE_NAMESPACES: namespace,
};
const started = Date.now();
/** No upgrade starts after this time (--max-minutes, or a first SIGINT/SIGTERM). */
let lastStart = Infinity;
const log = (line: string) => console.log(`${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s  ${line}`);

/** The CLI as a subprocess; its exit code and output. */
function cli(
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(node, [cliEntry, ...args], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The last JSON document the CLI printed (`--output json`), if any. */
function lastJson(stdout: string): { outcome?: string; message?: string; failureType?: string } {
  const start = stdout.lastIndexOf('\n{');
  try {
    return JSON.parse(stdout.slice(start < 0 ? 0 : start)) as { outcome?: string; message?: string };
  } catch {
    return {};
  }
}

const appDir = (app: string) => path.join(dir, app);
const folderOf = (app: string, generation: number) => path.join(appDir(app), `out-${generation}`);

function manifestFile(app: string, generation: number): string {
  const file = path.join(appDir(app), `manifest-${generation}.yaml`);
  writeFileSync(
    file,
    counterManifest({
      app,
      namespace,
      dir: appDir(app),
      output: folderOf(app, generation),
      windowSeconds: 5,
      // A loaded machine starts a JobManager in minutes, not seconds: the bound, not the figure.
      timeoutSeconds: 600,
    }),
  );
  return file;
}

/** The output folder of the spec the record says runs (the `--output` job argument). */
function runningFolder(spec: AppSpec | null | undefined): string | undefined {
  const args = spec?.job?.args ?? [];
  const i = args.indexOf('--output');
  return i >= 0 ? args[i + 1] : undefined;
}

/** One application's run: its upgrades one after another, and which generations took over. */
interface AppRun {
  app: string;
  outcomes: Record<string, number>;
  durationsMs: number[];
  chain: string[];
  branches: Array<{ folder: string; parent: string }>;
  failures: string[];
}

async function upgradeInTurn(
  app: string,
  options: SoakOptions,
  readSpec: () => Promise<AppSpec | null>,
): Promise<AppRun> {
  const run: AppRun = { app, outcomes: {}, durationsMs: [], chain: [folderOf(app, 0)], branches: [], failures: [] };
  for (let i = 1; i <= options.upgrades; i++) {
    if (Date.now() >= lastStart) {
      log(`${app}: no more upgrades (time is up) after ${i - 1}`);
      break;
    }
    const began = Date.now();
    const timeout = `${options.upgradeTimeoutMinutes}m`;
    let r = await cli(['apply', '-f', manifestFile(app, i), '--wait', '--queue', '--timeout', timeout, '-o', 'json']);
    // Timed out waiting: the operation goes on; follow it to its end.
    for (let follows = 0; r.code === 4 && follows < 3; follows++)
      r = await cli(['follow', app, '-n', namespace, '--timeout', timeout, '-o', 'json']);
    const doc = lastJson(r.stdout);
    const outcome = `exit ${r.code}${doc.outcome ? ` ${doc.outcome}` : ''}`;
    run.outcomes[outcome] = (run.outcomes[outcome] ?? 0) + 1;
    run.durationsMs.push(Date.now() - began);
    if (r.code !== 0)
      run.failures.push(
        `${app} upgrade ${i}: ${outcome}: ${doc.message ?? doc.failureType ?? r.stderr.trim().slice(-400)}`,
      );
    const running = runningFolder(await readSpec());
    const parent = run.chain.at(-1)!;
    if (running && running !== parent) run.chain.push(running);
    if (running !== folderOf(app, i)) run.branches.push({ folder: folderOf(app, i), parent });
    log(`${app} upgrade ${i}/${options.upgrades}: ${outcome} in ${((Date.now() - began) / 1000).toFixed(1)} s`);
  }
  return run;
}

async function main(): Promise<number> {
  let options: SoakOptions;
  try {
    options = parseSoakOptions(process.argv.slice(2).filter((a) => a !== '--'));
  } catch (err) {
    if (!(err instanceof SoakUsageError)) throw err;
    console.error(`soak: ${err.message}\n${soakUsage()}`);
    return 2;
  }
  // The CLI and the workers run dist/ (FLINK_DEPLOY_RUN above), built from this checkout first: a worker
  // started again after its SIGKILL loads the prebuilt workflow bundle in seconds, where from the source it
  // bundled the workflows for a minute or more on a loaded machine (and was often killed again before it polled).
  log('building dist/ from this checkout (npm run build)');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (options.maxMinutes > 0) lastStart = started + options.maxMinutes * 60_000;
  // A first Ctrl-C or SIGTERM: no new upgrade; the running ones finish, the checks run, then clean-up.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      log(`${signal}: no new upgrades; finishing the running ones, then the checks and the clean-up`);
      lastStart = Date.now();
    });
  const kube = createKubeFacade(createKubeClients(loadKubeConfig({ path: kubeconfig })));
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  const apps = Array.from({ length: options.apps }, (_, i) => `soak-${i + 1}`);
  const readSpec = async (app: string) =>
    (await kube.records.readRecord<AppSpec>(namespace, app))?.record.lastAppliedSpec ?? null;
  mkdirSync(dir, { recursive: true });
  for (const app of apps) mkdirSync(appDir(app), { recursive: true });
  log(`namespace ${namespace}, task queue ${taskQueue}, files ${dir}; ${JSON.stringify(options)}`);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await applyFlinkRbac(kube, namespace);

  const pool = new WorkerPool(
    { node, entry: cliEntry, env, metricsBasePort: 20000 + Math.floor(Math.random() * 9000) },
    dir,
    log,
  );
  pool.start(options.workers);
  const sampler = new JobSampler(core, namespace, apps);
  try {
    const deployed = await Promise.all(
      apps.map((app) => cli(['apply', '-f', manifestFile(app, 0), '--wait', '--timeout', '10m', '-o', 'json'])),
    );
    deployed.forEach((r, i) => {
      if (r.code !== 0) throw new Error(`deploy of ${apps[i]} failed (exit ${r.code}): ${r.stdout}${r.stderr}`);
    });
    log(`deployed ${apps.join(', ')}`);
    const rssStart = pool.rss();
    for (const app of apps) {
      const r = await cli([
        'schedule',
        'savepoints',
        app,
        '-n',
        namespace,
        '--every',
        `${options.savepointEverySeconds}s`,
        '--keep',
        String(options.keep),
      ]);
      if (r.code !== 0) throw new Error(`schedule of ${app} failed (exit ${r.code}): ${r.stdout}${r.stderr}`);
    }
    sampler.start();
    pool.startKilling(options.killEverySeconds);

    const runs = await Promise.all(apps.map((app) => upgradeInTurn(app, options, () => readSpec(app))));

    pool.stopKilling();
    for (const app of apps) await cli(['schedule', 'delete', app, '-n', namespace]);
    const stuck = await settleLocks(apps, kube, client);
    await new Promise((r) => setTimeout(r, 5000)); // the last generation writes a few more lines
    await sampler.stop();
    const rssEnd = pool.rss();
    const continuity = new Map<string, ContinuityReport>();
    const savepoints = new Map<string, SavepointAudit>();
    for (const run of runs) {
      const chain: GenerationChain = {
        chain: run.chain.map((folder) => ({ folder, counts: countsByKey(folder) })),
        branches: run.branches.map((b) => ({ ...b, counts: countsByKey(b.folder) })),
      };
      continuity.set(run.app, judgeContinuity(chain, counterKeys));
      const record = (await kube.records.readRecord<AppSpec>(namespace, run.app))?.record;
      savepoints.set(run.app, auditSavepoints(path.join(appDir(run.app), 'savepoints'), record?.savepoints ?? []));
    }
    return report({ options, runs, continuity, savepoints, stuck, sampler, pool, rssStart, rssEnd });
  } finally {
    await sampler.stop();
    await pool.stopAll();
    await client.workflow
      .getHandle(observerWorkflowId(taskQueue))
      .terminate('end of the soak')
      .catch(() => undefined);
    for (const app of apps) await cli(['schedule', 'delete', app, '-n', namespace]).catch(() => undefined);
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    await connection.close();
  }
}

/** Waits up to 3 minutes for every application's lock to be released; the ones still held are stuck. */
async function settleLocks(
  apps: string[],
  kube: ReturnType<typeof createKubeFacade>,
  client: Client,
): Promise<StuckLock[]> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const held: StuckLock[] = [];
    for (const app of apps) {
      const op = (await kube.records.readRecord(namespace, app))?.record.operation;
      if (op)
        held.push({
          app,
          workflowId: op.workflowId,
          runId: op.runId,
          phase: op.phase,
          holderStatus: await holderStatus(client, op.workflowId, op.runId),
        });
    }
    if (held.length === 0 || Date.now() > deadline) return held;
    await new Promise((r) => setTimeout(r, 2000));
  }
}

function report(input: {
  options: SoakOptions;
  runs: AppRun[];
  continuity: Map<string, ContinuityReport>;
  savepoints: Map<string, SavepointAudit>;
  stuck: StuckLock[];
  sampler: JobSampler;
  pool: WorkerPool;
  rssStart: WorkerRss[];
  rssEnd: WorkerRss[];
}): number {
  const { runs, continuity, savepoints, stuck, sampler, pool } = input;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const lost = sum([...continuity.values()].map((c) => c.lostKeys.length));
  const boundaries = sum([...continuity.values()].map((c) => c.boundariesChecked));
  const samples = [...sampler.counts.values()];
  const twoRunning = sum(samples.map((s) => s.twoRunning));
  const twoJm = sum(samples.map((s) => s.twoJobManagers));
  const orphans = sum([...savepoints.values()].map((s) => s.orphans.length));
  const missing = sum([...savepoints.values()].map((s) => s.missing.length));
  const outcomes: Record<string, number> = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + v;
  const median = summarize(runs.flatMap((r) => r.durationsMs)).median;
  const rss = (xs: WorkerRss[]) => xs.map((w) => `${w.rssMiB} MiB (worker ${w.slot}, up ${w.ageSeconds} s)`).join(', ');
  const oldest = [...pool.rssAtKill].sort((a, b) => b.ageSeconds - a.ageSeconds)[0];
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  const sampleCount = sum(samples.map((s) => s.samples));
  const reached = sum(samples.map((s) => s.reached));
  const byOutcome = Object.entries(outcomes).map(([k, v]) => `${k}: ${v}`);
  const kept = [...savepoints].map(([a, s]) => `${a}: ${JSON.stringify(s.keptByKind)} (${s.onDisk} on disk)`);
  const row = (figure: string, measured: string) => console.log(`| ${figure} | ${measured} |`);
  const done = runs.map((r) => r.durationsMs.length).join(' / ');
  console.log(
    `\n## Soak: ${input.options.apps} apps, upgrades ${done} (asked ${input.options.upgrades} each), ${minutes} min`,
  );
  console.log(`| figure | measured |\n|---|---|`);
  row('upgrades, by CLI exit and outcome', byOutcome.join(', '));
  row('upgrade time (CLI apply --wait), median', `${(median / 1000).toFixed(1)} s`);
  row('worker SIGKILLs (skipped: no worker polling yet)', `${pool.kills} (${pool.skipped})`);
  row(
    'lost state (keys whose count started over or went back)',
    `${lost} of ${runs.length * counterKeys} keys (${boundaries} generation boundaries checked)`,
  );
  row(
    'duplicate jobs (samples with 2 RUNNING jobs / 2 live JobManager pods)',
    `${twoRunning} / ${twoJm} of ${sampleCount} samples (${reached} reached a JobManager)`,
  );
  row('stuck locks (held 3 min after the last upgrade)', String(stuck.length));
  row('orphan savepoints (on disk, not in the record) / recorded but missing', `${orphans} / ${missing}`);
  row('savepoints kept per app (by kind)', kept.join('; '));
  console.log(`| worker RSS at start | ${rss(input.rssStart)} |`);
  console.log(`| worker RSS at end | ${rss(input.rssEnd)} |`);
  if (oldest)
    console.log(`| longest-lived worker before its SIGKILL | ${oldest.rssMiB} MiB after ${oldest.ageSeconds} s |`);
  for (const [app, c] of continuity)
    for (const b of c.breaks)
      console.log(`break ${app} key ${b.key} in ${b.folder}: ${b.previous} → ${b.next} (${b.kind})`);
  for (const [app, c] of continuity) if (c.silent.length) console.log(`silent ${app}: ${c.silent.join(', ')}`);
  for (const [app, s] of savepoints) for (const o of s.orphans) console.log(`orphan ${app}: ${o}`);
  for (const [app, s] of savepoints) for (const m of s.missing) console.log(`missing ${app}: ${m}`);
  for (const [app, s] of savepoints) for (const d of s.disposing) console.log(`disposal pending ${app}: ${d}`);
  for (const s of stuck)
    console.log(`stuck ${s.app}: ${s.workflowId} ${s.runId} in ${s.phase}, holder ${s.holderStatus}`);
  for (const [app, s] of sampler.counts) if (s.firstDuplicate) console.log(`duplicate ${app}: ${s.firstDuplicate}`);
  for (const r of runs) for (const f of r.failures) console.log(`failed ${f}`);
  // A soak in which no generation took over from another proved nothing about state: not a pass.
  if (boundaries === 0) console.log('no upgrade took over from a running generation: continuity not shown');
  return lost + twoRunning + twoJm + stuck.length + orphans > 0 || boundaries === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
