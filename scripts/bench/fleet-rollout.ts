/**
 * Benchmark (figures printed, not a test; issue 14): one fleet rollout — `flink-deploy apply -f
 * <folder>` of N manifests with a concurrency cap — run by ONE worker process. Every application is
 * a savepoint upgrade (its job's arguments change). Records, ConfigMaps, Services and Deployments
 * are real objects in the local stack's kube-apiserver (the pods stay unscheduled); Flink REST is
 * answered by a LOAD STAND-IN (scripts/bench/fleet/flink-stand-in.ts), whose savepoint time, answer
 * latency and the stability window make each upgrade's floor. Prints, side by side: the total time
 * against the floor's ideal (waves of `concurrency` upgrades, each lasting the floor), and each
 * upgrade's duration against its floor (the orchestration overhead per application, p50/p99).
 *   npm run build && node --import tsx scripts/bench/fleet-rollout.ts [--apps 1000] [--concurrency 50]
 *     [--latency-ms 20] [--savepoint-ms 500] [--window-s 1] [--record-history <name>]
 * `--record-history fleet-rollout` also writes the rollout's history to test/fixtures/histories/<name>.binpb
 * for the replay test (a small run: `--apps 3 --concurrency 2`).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection, type WorkflowExecutionInfo } from '@temporalio/client';
import {
  arg,
  benchEnv,
  benchNamespace,
  cliEntry,
  stackDir,
  standInManifest,
  startWorker,
  sleep,
  temporalAddress,
  terminateLeftovers,
} from './fleet/bench-stack';
import { FlinkStandIn } from './fleet/flink-stand-in';
import { ProcessSampler } from './fleet/process-sampler';
import { percentile, summarize } from './stats';
import { writeHistory } from '../record-history';
import { fleetWorkflowId } from '../../src/contract/fleet';

const apps = Number(arg('apps', '1000'));
const concurrency = Number(arg('concurrency', '50'));
const latencyMs = Number(arg('latency-ms', '20'));
const savepointMs = Number(arg('savepoint-ms', '500'));
const windowSeconds = Number(arg('window-s', '1'));
const recordHistory = arg('record-history', '');
const metricsAddress = '127.0.0.1:9478';
const s = (x: number) => (Number.isFinite(x) ? `${(x / 1000).toFixed(1)} s` : 'n/a');
const ms = (x: number) => (Number.isFinite(x) ? `${Math.round(x)} ms` : 'n/a');

/** Runs the CLI to its end; its output and exit code. */
function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliEntry, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function main(): Promise<void> {
  if (!(apps > 0 && concurrency > 0 && latencyMs >= 0 && savepointMs >= 0 && windowSeconds >= 1)) {
    console.error(
      'usage: fleet-rollout.ts [--apps N>0] [--concurrency N>0] [--latency-ms] [--savepoint-ms] [--window-s >=1]',
    );
    process.exit(2);
  }
  const ns = await benchNamespace('bench-rollout');
  const standIn = new FlinkStandIn({ latencyMs, savepointMs });
  const proxy = await standIn.start();
  const env = benchEnv(ns, proxy, metricsAddress);
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  const names = Array.from({ length: apps }, (_, i) => `app-${String(i).padStart(4, '0')}`);
  const folder = path.join(stackDir, 'bench', ns.name);
  const manifest = (app: string, generation: number) =>
    standInManifest({
      app,
      namespace: ns.name,
      dir: `/tmp/bench-rollout/${app}`,
      windowSeconds,
      extraArgs: ['--bench-generation', String(generation)],
    });
  console.log(
    `fleet rollout benchmark: ${apps} savepoint upgrades, concurrency ${concurrency}, one worker; Flink REST ` +
      `answered by a LOAD STAND-IN (${latencyMs} ms per answer, savepoints complete after ${savepointMs} ms), ` +
      `stability window ${windowSeconds} s`,
  );
  const worker = startWorker(ns, env);
  const sampler = new ProcessSampler(worker.pid!, 5_000);
  try {
    await ns.createRecords(names, (app) => manifest(app, 1));
    mkdirSync(folder, { recursive: true });
    for (const app of names) writeFileSync(path.join(folder, `${app}.yaml`), manifest(app, 2));
    await sleep(10_000); // the worker is up and polling
    sampler.start();
    const started = Date.now();
    const run = await cli(
      ['apply', '-f', folder, '--concurrency', String(concurrency), '--output', 'json', '--rollout-id', ns.name],
      env,
    );
    const totalMs = Date.now() - started;
    sampler.stop();
    if (recordHistory) {
      const fleetId = fleetWorkflowId(ns.name);
      const { runId } = await client.workflow.getHandle(fleetId).describe();
      const events = await writeHistory(client, { workflowId: fleetId, runId }, recordHistory);
      console.log(`  the rollout's history: test/fixtures/histories/${recordHistory}.binpb, ${events} events`);
    }
    if (run.code !== 0)
      console.log(`  apply exited ${run.code}: ${run.stderr.trim().split('\n').slice(-5).join(' | ')}`);
    const children: WorkflowExecutionInfo[] = [];
    for await (const info of client.workflow.list({
      query: `WorkflowType = 'apply' AND TaskQueue = '${ns.taskQueue}'`,
    })) {
      children.push(info);
    }
    const durations = children.filter((c) => c.closeTime).map((c) => c.closeTime!.getTime() - c.startTime.getTime());
    // The floor of one upgrade: what the stand-in itself takes (the stop-with-savepoint, the stability
    // window, one answer latency per Flink call of the upgrade), with no orchestration at all.
    const callsPerUpgrade = standIn.counts.requests / Math.max(1, children.length);
    const floorMs = savepointMs + windowSeconds * 1000 + callsPerUpgrade * latencyMs;
    const overhead = durations.map((d) => d - floorMs);
    const ideal = Math.ceil(apps / concurrency) * floorMs;
    const rss = sampler.samples.map((x) => x.rssMb);
    console.log('');
    console.log(`results (${apps} applications, concurrency ${concurrency}, one worker):`);
    console.log(
      `  apply exit ${run.code}; upgrade runs ${children.length}, closed ${durations.length}; ` +
        `stand-in: ${standIn.counts.requests} requests ` +
        `(${callsPerUpgrade.toFixed(1)} per upgrade, with the observer's), ` +
        `${standIn.counts.savepointTriggers} savepoints`,
    );
    console.log(
      `  total: ${s(totalMs)} (plan, start, all waves, final table)   vs the floor's ideal ${s(ideal)} ` +
        `(${Math.ceil(apps / concurrency)} waves × ${s(floorMs)})`,
    );
    console.log(
      `  one upgrade: p50 ${s(percentile(durations, 50))}, p99 ${s(percentile(durations, 99))}   vs its floor ` +
        `${s(floorMs)}; overhead p50 ${ms(percentile(overhead, 50))}, p99 ${ms(percentile(overhead, 99))}`,
    );
    console.log(
      `  orchestration per application, amortised over the rollout ((total − ideal) / apps): ` +
        `${ms((totalMs - ideal) / apps)}; in each upgrade's own time: the overhead above`,
    );
    console.log(
      `  worker RSS median ${Math.round(summarize(rss).median)} MB, max ${Math.round(Math.max(...rss))} MB; ` +
        `CPU mean ${sampler.averageCpu().toFixed(2)} of one core`,
    );
  } finally {
    sampler.stop();
    await terminateLeftovers(client, ns.taskQueue).catch(() => undefined);
    worker.kill('SIGTERM');
    await standIn.stop();
    await ns.remove();
    rmSync(folder, { recursive: true, force: true });
    await connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
