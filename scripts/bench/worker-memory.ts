/**
 * Benchmark (figures printed, not a test; issue 14): the worker's memory at many applications, one
 * worker setting against the old default in ONE run. The records and schedules of `--apps`
 * applications (periodic savepoints every `--every`, Flink REST answered by the LOAD STAND-IN of
 * fleet-schedules.ts) are created once; then workers take turns serving them, ABBA: A is the worker
 * as it was started before (no MALLOC_ARENA_MAX), B with `--b-env` (default MALLOC_ARENA_MAX=2). Each
 * turn is a fresh worker process serving for `--segment-minutes`; it prints, per variant, the median
 * over its turns of: RSS at the end and its median over the turn, glibc malloc's share at the end
 * (scripts/bench/fleet/memory-map.ts), CPU, and the savepoints it recorded.
 *   npm run build && node --import tsx scripts/bench/worker-memory.ts [--apps 1000] [--every 10m]
 *     [--segment-minutes 4] [--b-env MALLOC_ARENA_MAX=2]
 */
import { once } from 'node:events';
import { Client, Connection } from '@temporalio/client';
import { savepointScheduleOptions } from '../../src/cli/commands/schedule';
import { parseDuration } from '../../src/config/durations';
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
import { memoryMap, type MemoryMap } from './fleet/memory-map';
import { ProcessSampler } from './fleet/process-sampler';
import { summarize } from './stats';

const apps = Number(arg('apps', '1000'));
const everyMs = parseDuration(arg('every', '10m')) ?? NaN;
const segmentMinutes = Number(arg('segment-minutes', '4'));
const bEnv = arg('b-env', 'MALLOC_ARENA_MAX=2');
const metricsAddress = '127.0.0.1:9478';

interface Turn {
  variant: 'A' | 'B';
  endRssMb: number;
  medianRssMb: number;
  map?: MemoryMap;
  cpu: number;
  savepoints: number;
}

const mb = (x: number) => `${Math.round(x)} MB`;

async function main(): Promise<void> {
  const [bKey, bValue] = bEnv.split('=');
  if (!(apps > 0 && everyMs >= 1000 && segmentMinutes > 0 && bKey && bValue !== undefined)) {
    console.error(
      'usage: worker-memory.ts [--apps N>0] [--every DURATION>=1s] [--segment-minutes M>0] [--b-env KEY=VALUE]',
    );
    process.exit(2);
  }
  const ns = await benchNamespace('bench-memory');
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  const standIn = new FlinkStandIn({ latencyMs: 20, savepointMs: 500 });
  const proxy = await standIn.start();
  const names = Array.from({ length: apps }, (_, i) => `app-${String(i).padStart(4, '0')}`);
  const scheduleIds: string[] = [];
  console.log(
    `worker memory benchmark: ${apps} applications, a savepoint every ${arg('every', '10m')} each; ABBA turns of ` +
      `${segmentMinutes} min, A = no MALLOC_ARENA_MAX, B = ${bEnv}; Flink REST answered by a LOAD STAND-IN`,
  );
  const base = benchEnv(ns, proxy, metricsAddress);
  delete base.MALLOC_ARENA_MAX;
  const turns: Turn[] = [];
  try {
    await ns.createRecords(names, (app) =>
      standInManifest({ app, namespace: ns.name, dir: `/tmp/bench-memory/${app}` }),
    );
    await eachLimited(names, 20, async (name) => {
      const options = savepointScheduleOptions({
        app: { namespace: ns.name, name },
        taskQueue: ns.taskQueue,
        everyMs,
        retention: { keep: 3 },
      });
      await client.schedule.create(options);
      scheduleIds.push(options.scheduleId);
    });
    console.log(`  ${apps} records and schedules created`);
    for (const variant of ['A', 'B', 'B', 'A'] as const) {
      const env = variant === 'A' ? base : { ...base, [bKey]: bValue };
      const triggersBefore = standIn.counts.savepointTriggers;
      const worker = startWorker(ns, env);
      const sampler = new ProcessSampler(worker.pid!, 5_000);
      sampler.start();
      await sleep(segmentMinutes * 60_000);
      sampler.stop();
      const map = memoryMap(worker.pid!);
      const rss = sampler.samples.map((s) => s.rssMb);
      const turn: Turn = {
        variant,
        endRssMb: rss.at(-1) ?? NaN,
        medianRssMb: summarize(rss).median,
        map,
        cpu: sampler.averageCpu(),
        savepoints: standIn.counts.savepointTriggers - triggersBefore,
      };
      turns.push(turn);
      console.log(
        `  turn ${turns.length} (${variant}): RSS end ${mb(turn.endRssMb)}, median ${mb(turn.medianRssMb)}; ` +
          `malloc ${mb(map?.mallocMb ?? NaN)} in ${map?.arenas ?? '?'} arenas + [heap]; ` +
          `CPU ${turn.cpu.toFixed(2)}; ${turn.savepoints} savepoints triggered`,
      );
      worker.kill('SIGTERM');
      await Promise.race([once(worker, 'exit'), sleep(30_000)]);
      if (worker.exitCode === null) worker.kill('SIGKILL');
    }
    console.log('');
    console.log(`results (${apps} applications, ${segmentMinutes} min per turn, medians of 2 turns each):`);
    for (const variant of ['A', 'B'] as const) {
      const mine = turns.filter((t) => t.variant === variant);
      const med = (f: (t: Turn) => number) => summarize(mine.map(f)).median;
      console.log(
        `  ${variant === 'A' ? 'A (old default)' : `B (${bEnv})`}: RSS end ${mb(med((t) => t.endRssMb))}, ` +
          `median ${mb(med((t) => t.medianRssMb))}; malloc ${mb(med((t) => t.map?.mallocMb ?? NaN))}; ` +
          `CPU ${med((t) => t.cpu).toFixed(2)}; savepoints per turn ${med((t) => t.savepoints)}`,
      );
    }
  } finally {
    await eachLimited(scheduleIds, 20, (id) =>
      client.schedule
        .getHandle(id)
        .delete()
        .catch(() => undefined),
    );
    await terminateLeftovers(client, ns.taskQueue).catch(() => undefined);
    await standIn.stop();
    await ns.remove();
    await connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
