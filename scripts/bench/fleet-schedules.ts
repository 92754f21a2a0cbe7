/**
 * Benchmark (figures printed, not a test; issue 14): ONE worker process and many applications with
 * periodic savepoint schedules. The deployed-state records are real ConfigMaps in the local stack's
 * kube-apiserver, the schedules and workflows run on its Temporal server, and the worker is the real
 * `flink-deploy worker` (built JavaScript, as installed) with its observer sweeping every record.
 * Flink REST is answered by a LOAD STAND-IN (scripts/bench/fleet/flink-stand-in.ts; a thousand Flink
 * clusters do not fit here), reached as the worker's Flink proxy.
 * Prints, beside their floors measured in the same run:
 *   - lag from a schedule's time to the run started and to the savepoint recorded (run closed), p50/p99,
 *     beside the stand-in's own savepoint time;
 *   - worker CPU and RSS over the run, beside the idle worker's before any schedule existed;
 *   - Temporal actions per periodic savepoint (the Schedule's own action included) and per application
 *     per day (savepoints + observer);
 *   - the observer's sweep time over all records (from the worker's /metrics);
 *   - where the runs' time went (scripts/bench/fleet/run-breakdown.ts, from every closed run's history):
 *     each part's p50 and p99 over all runs, and its mean over the slowest 1 % (what bounds the p99).
 * `--observe-interval` sets the worker's observer interval (default 15s, the product's): run it at 15s and
 * 60s in ABBA order to see the observer's share of the lag.
 *   npm run build && node --import tsx scripts/bench/fleet-schedules.ts [--apps 1000] [--every 10m]
 *     [--minutes 30] [--latency-ms 20] [--savepoint-ms 500] [--observe-interval 15s]
 */
import { Client, Connection, type WorkflowExecutionInfo } from '@temporalio/client';
import { savepointScheduleOptions } from '../../src/cli/commands/schedule';
import { parseDuration } from '../../src/config/durations';
import { observerWorkflowId } from '../../src/contract/observed-health';
import { countActions, SCHEDULE_ACTIONS_PER_RUN } from './actions';
import {
  arg,
  benchEnv,
  benchNamespace,
  eachLimited,
  sleep,
  standInManifest,
  startWorker,
  temporalAddress,
  terminateLeftovers,
} from './fleet/bench-stack';
import { FlinkStandIn } from './fleet/flink-stand-in';
import { breakdown, parts, type RunBreakdown } from './fleet/run-breakdown';
import { ProcessSampler } from './fleet/process-sampler';
import { percentile, summarize } from './stats';

const apps = Number(arg('apps', '1000'));
const everyMs = parseDuration(arg('every', '10m')) ?? NaN;
const minutes = Number(arg('minutes', '30'));
const latencyMs = Number(arg('latency-ms', '20'));
const savepointMs = Number(arg('savepoint-ms', '500'));
const observeInterval = arg('observe-interval', '15s');
const metricsAddress = '127.0.0.1:9477';

const ms = (x: number) => (Number.isFinite(x) ? `${Math.round(x)} ms` : 'n/a');
const mb = (x: number) => `${Math.round(x)} MB`;

/** The schedule's nominal time of a run it started: Temporal appends it to the workflow id. */
function scheduledTime(info: WorkflowExecutionInfo): number {
  const stamp = /-(\d{4}-\d{2}-\d{2}T[\d:.]+Z)$/.exec(info.workflowId)?.[1];
  return stamp ? Date.parse(stamp) : NaN;
}

/** The observer's last sweep duration (ms) from the worker's /metrics gauge, NaN when not there yet. */
async function scrapeSweepMs(): Promise<number> {
  const text = await fetch(`http://${metricsAddress}/metrics`)
    .then((r) => r.text())
    .catch(() => '');
  const match = /^flink_deploy_observer_sweep_duration_seconds(?:\{[^}]*\})? (\S+)$/m.exec(text);
  return match ? Number(match[1]) * 1000 : NaN;
}

/** Every closed run's history read and split (run-breakdown.ts); prints each part over all runs and the slowest 1 %. */
async function printBreakdown(client: Client, closed: WorkflowExecutionInfo[]): Promise<void> {
  const runs: RunBreakdown[] = [];
  await eachLimited(closed, 20, async (r) => {
    const history = await client.workflow
      .getHandle(r.workflowId, r.runId)
      .fetchHistory()
      .catch(() => undefined);
    if (history?.events) runs.push(breakdown(history.events, scheduledTime(r)));
  });
  const p99 = percentile(
    runs.map((b) => b.total),
    99,
  );
  const slowest = runs.filter((b) => b.total >= p99);
  const names = [...new Set(runs.flatMap((b) => parts(b).map(([name]) => name)))];
  const value = (b: RunBreakdown, name: string) => parts(b).find(([n]) => n === name)?.[1] ?? 0;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  console.log(
    `  where the time went (${runs.length} run histories; the slowest 1 %: ${slowest.length} runs at or over ` +
      `${ms(p99)}, ${slowest.reduce((a, b) => a + b.retries, 0)} activity retries among them, ` +
      `${runs.reduce((a, b) => a + b.retries, 0)} in all):`,
  );
  console.log(`    ${'part'.padEnd(58)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'slowest 1 % mean'.padStart(17)}`);
  for (const name of names) {
    const all = runs.map((b) => value(b, name));
    console.log(
      `    ${name.padEnd(58)} ${ms(percentile(all, 50)).padStart(8)} ${ms(percentile(all, 99)).padStart(8)} ` +
        `${ms(mean(slowest.map((b) => value(b, name)))).padStart(17)}`,
    );
  }
}

async function main(): Promise<void> {
  const observeMs = parseDuration(observeInterval) ?? NaN;
  if (!(apps > 0 && everyMs >= 1000 && minutes > 0 && latencyMs >= 0 && savepointMs >= 0 && observeMs >= 1000)) {
    console.error(
      'usage: fleet-schedules.ts [--apps N>0] [--every DURATION>=1s] [--minutes M>0] [--latency-ms] [--savepoint-ms] ' +
        '[--observe-interval DURATION>=1s]',
    );
    process.exit(2);
  }
  const ns = await benchNamespace('bench-fleet');
  const namespace = ns.name;
  const taskQueue = ns.taskQueue;
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  const standIn = new FlinkStandIn({ latencyMs, savepointMs });
  const proxy = await standIn.start();
  const names = Array.from({ length: apps }, (_, i) => `app-${String(i).padStart(4, '0')}`);
  const scheduleIds: string[] = [];
  console.log(
    `fleet schedules benchmark: ${apps} applications, a savepoint every ${arg('every', '10m')} each, ` +
      `${minutes} min; one worker; Flink REST answered by a LOAD STAND-IN (${latencyMs} ms per answer, ` +
      `savepoints complete ${savepointMs} ms after their trigger); observer interval ${observeInterval}`,
  );
  const worker = startWorker(ns, {
    ...benchEnv(ns, proxy, metricsAddress),
    FLINK_DEPLOY_OBSERVE_INTERVAL: observeInterval,
  });
  const sampler = new ProcessSampler(worker.pid!, 5_000);
  try {
    // The idle worker first: its RSS and CPU with no application, the baseline of the figures below.
    await sleep(20_000);
    const idle = new ProcessSampler(worker.pid!, 2_000);
    idle.start();
    await sleep(20_000);
    idle.stop();
    const createdAt = Date.now();
    await ns.createRecords(names, (app) => standInManifest({ app, namespace, dir: `/tmp/bench-fleet/${app}` }));
    console.log(`  ${apps} records created in ${((Date.now() - createdAt) / 1000).toFixed(1)} s`);
    await eachLimited(names, 20, async (name) => {
      const options = savepointScheduleOptions({
        app: { namespace, name },
        taskQueue,
        everyMs,
        retention: { keep: 3 },
      });
      await client.schedule.create(options);
      scheduleIds.push(options.scheduleId);
    });
    const windowStart = Date.now();
    console.log(`  ${apps} schedules created; measuring for ${minutes} min`);
    sampler.start();
    const endAt = windowStart + minutes * 60_000;
    const sweeps: number[] = [];
    while (Date.now() < endAt) {
      await sleep(Math.min(60_000, endAt - Date.now()));
      const last = sampler.samples.at(-1);
      const sweepMs = await scrapeSweepMs();
      sweeps.push(sweepMs);
      console.log(
        `  ${Math.round((Date.now() - windowStart) / 60_000)} min: worker RSS ${mb(last?.rssMb ?? NaN)}, ` +
          `stand-in saw ${standIn.counts.savepointTriggers} savepoint triggers, last observer sweep ${ms(sweepMs)}`,
      );
    }
    sampler.stop();
    // Stop the schedules, let the runs in flight finish, then read every run of the window.
    await eachLimited(scheduleIds, 20, (id) =>
      client.schedule
        .getHandle(id)
        .delete()
        .catch(() => undefined),
    );
    await sleep(15_000);
    const runs: WorkflowExecutionInfo[] = [];
    for await (const info of client.workflow.list({
      query: `WorkflowType = 'savepoint' AND TaskQueue = '${taskQueue}'`,
    })) {
      runs.push(info);
    }
    const inWindow = runs.filter((r) => scheduledTime(r) >= windowStart && scheduledTime(r) <= endAt);
    const closed = inWindow.filter((r) => r.closeTime);
    const startLag = inWindow.map((r) => r.startTime.getTime() - scheduledTime(r));
    const recordedLag = closed.map((r) => r.closeTime!.getTime() - scheduledTime(r));
    const outcomes = new Map<string, number>();
    for (const r of closed) {
      // A periodic run indexes only an outcome worth finding (failed, cancelled): the others completed.
      const outcome = String(r.searchAttributes?.FlinkOutcome?.[0] ?? `${r.status.name} (succeeded or skipped)`);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    const sample = closed.filter((_, i) => i % Math.max(1, Math.floor(closed.length / 20)) === 0).slice(0, 20);
    const actions = summarize(
      await Promise.all(
        sample.map(async (r) => (await countActions(client, r.workflowId, r.runId)).total + SCHEDULE_ACTIONS_PER_RUN),
      ),
    );
    const observer = await countActions(client, observerWorkflowId(taskQueue)).catch(() => undefined);
    const windowDays = (endAt - windowStart) / 86_400_000;
    const savepointsPerDay = 86_400_000 / everyMs;
    const observerPerAppDay = observer ? observer.total / windowDays / apps : NaN;
    const rss = sampler.samples.map((s) => s.rssMb);
    const expected = Math.floor((endAt - windowStart) / everyMs) * apps;

    console.log('');
    console.log(`results (${apps} applications, ${minutes} min, one worker):`);
    console.log(
      `  savepoint runs in the window: ${inWindow.length} (about ${expected} expected), closed ${closed.length}; ` +
        `outcomes ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}`,
    );
    console.log(
      `  schedule time → run started:      p50 ${ms(percentile(startLag, 50))}, p99 ${ms(percentile(startLag, 99))}`,
    );
    console.log(
      `  schedule time → savepoint recorded (run closed): p50 ${ms(percentile(recordedLag, 50))}, ` +
        `p99 ${ms(percentile(recordedLag, 99))}, max ${ms(Math.max(...recordedLag))}   ` +
        `(floor: the stand-in's savepoint takes ${savepointMs} ms + ${latencyMs} ms per answer)`,
    );
    console.log(
      `  worker RSS: idle ${mb(idle.samples.at(-1)?.rssMb ?? NaN)} (baseline) → start ${mb(rss[0] ?? NaN)}, ` +
        `median ${mb(summarize(rss).median)}, max ${mb(Math.max(...rss))}, end ${mb(rss.at(-1) ?? NaN)}`,
    );
    console.log(
      `  worker CPU (share of one core): idle ${idle.averageCpu().toFixed(3)} (baseline) → ` +
        `mean ${sampler.averageCpu().toFixed(3)}, p99 of 5 s samples ` +
        `${percentile(
          sampler.samples.map((s) => s.cpu),
          99,
        ).toFixed(2)}`,
    );
    console.log(
      `  Temporal actions per periodic savepoint (the Schedule's own included): median ${actions.median} ` +
        `(of ${actions.used.length} runs); ` +
        `per application per day: ${Math.round(actions.median * savepointsPerDay)} for savepoints every ` +
        `${arg('every', '10m')} + ${observerPerAppDay.toFixed(1)} for the observer's share`,
    );
    console.log(
      `  observer sweep over ${apps} records (the worker's gauge, read each minute): ` +
        `median ${ms(summarize(sweeps).median)}, max ${ms(Math.max(...sweeps.filter(Number.isFinite)))} ` +
        `(interval ${observeInterval})`,
    );
    await printBreakdown(client, closed);
    // One line per run for comparing runs side by side (ABBA over --observe-interval).
    console.log(
      `SUMMARY ${JSON.stringify({
        observeInterval,
        runs: closed.length,
        startP99: percentile(startLag, 99),
        recordedP50: percentile(recordedLag, 50),
        recordedP99: percentile(recordedLag, 99),
        rssMedian: summarize(rss).median,
        cpuMean: sampler.averageCpu(),
        sweepMedian: summarize(sweeps).median,
      })}`,
    );
    console.log(
      `  stand-in: ${standIn.counts.requests} requests, ${standIn.counts.savepointTriggers} savepoint triggers, ` +
        `${standIn.counts.disposals} disposals`,
    );
  } finally {
    sampler.stop();
    await eachLimited(scheduleIds, 20, (id) =>
      client.schedule
        .getHandle(id)
        .delete()
        .catch(() => undefined),
    );
    await terminateLeftovers(client, taskQueue).catch(() => undefined);
    worker.kill('SIGTERM');
    await standIn.stop();
    await ns.remove();
    await connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
