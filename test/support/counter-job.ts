/**
 * The counter test job (test/jobs/counter-job): its jar, arguments, and how a test reads its
 * per-key counts from outside (output files and the `counterTotal` gauge).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { FlinkRestClient } from '../../src/flink';
import { stack } from './stack';

/** Where the counter job is and what it calls things. */
export const counterJob = {
  jar: path.join(stack.jobsDir, 'counter-job.jar'),
  mainClass: 'dev.flinkdeploy.testjobs.CounterJob',
  /** Name of the counting operator (and prefix of its vertex name). */
  operatorName: 'counter',
  /** The gauge with the sum of the latest per-key counts of a subtask. */
  totalGauge: 'counterTotal',
} as const;

/** Flink's StateMachineExample, the job no one here wrote. */
export const stateMachineExample = {
  jar: path.join(stack.jobsDir, 'StateMachineExample.jar'),
  mainClass: 'org.apache.flink.streaming.examples.statemachine.StateMachineExample',
} as const;

/** Arguments of the counter job (see test/jobs/README.md). */
export interface CounterJobArgs {
  /** Directory for `counts-<subtask>.txt`. */
  output: string;
  /** @default 4 */
  keys?: number;
  /** Records per second over all keys. @default 20 */
  rate?: number;
  /** @default 2000 */
  checkpointIntervalMs?: number;
  /** A broken version: fail after N records per subtask attempt (0: on open). */
  failAfterRecords?: number;
  restartAttempts?: number;
}

/** The job's command-line arguments. */
export function counterJobArgs(args: CounterJobArgs): string[] {
  const out = ['--output', args.output];
  const add = (name: string, value: number | undefined) => {
    if (value !== undefined) out.push(`--${name}`, String(value));
  };
  add('keys', args.keys);
  add('rate', args.rate);
  add('checkpoint-interval-ms', args.checkpointIntervalMs);
  add('fail-after-records', args.failAfterRecords);
  add('restart-attempts', args.restartAttempts);
  return out;
}

/** What the job wrote to an output directory, per key. */
export interface CounterOutput {
  /** First count written per key (after a restore: savepoint count + 1). */
  firstByKey: Map<number, number>;
  /** Last count written per key. */
  lastByKey: Map<number, number>;
  /** Number of lines written. */
  lines: number;
}

/** Reads every `counts-*.txt` of the job's output directory (missing directory: nothing yet). */
export function readCounterOutput(dir: string): CounterOutput {
  const result: CounterOutput = { firstByKey: new Map(), lastByKey: new Map(), lines: 0 };
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => /^counts-\d+\.txt$/.test(f));
  } catch {
    return result;
  }
  for (const file of files) {
    for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      const m = /^(\d+) (\d+)$/.exec(line);
      if (!m) continue;
      const key = Number(m[1]);
      const count = Number(m[2]);
      if (!result.firstByKey.has(key)) result.firstByKey.set(key, count);
      result.lastByKey.set(key, count);
      result.lines++;
    }
  }
  return result;
}

/**
 * The job's `counterTotal` gauge summed over the counter's subtasks, through Flink REST;
 * undefined until the JobManager has fetched it.
 */
export async function readCounterTotal(client: FlinkRestClient, jobId: string): Promise<number | undefined> {
  const job = await client.jobDetails(jobId);
  const vertex = job.vertices.find((v) => v.name.startsWith(counterJob.operatorName));
  if (!vertex) throw new Error(`job ${jobId} has no vertex named ${counterJob.operatorName}...`);
  const metric = `${counterJob.operatorName}.${counterJob.totalGauge}`;
  const values = await client.subtaskMetrics({ jobId, vertexId: vertex.id, metrics: [metric] });
  return values.find((m) => m.id === metric)?.sum;
}
