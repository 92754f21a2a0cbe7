/**
 * The example application (our stateful counter job) as a FlinkDeployment manifest for the
 * local stack, and readers of what the job wrote. Shared by the demo and the end-to-end tests.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface CounterManifestOptions {
  app: string;
  namespace: string;
  /** Folder of this app's savepoints, checkpoints and output. */
  dir: string;
  parallelism?: number;
  upgradeMode?: 'savepoint' | 'last-state' | 'stateless';
  state?: 'running' | 'suspended';
  /** Where the job writes its counts; default `<dir>/out`. One folder per generation tells the jobs apart. */
  output?: string;
  /** Extra job args, e.g. ['--fail-after-records', '0'] for a broken version. */
  extraArgs?: string[];
  /** Job args before all others, e.g. ['-n', '4']: only a leading arg could be taken by Flink's launcher as its own. */
  leadingArgs?: string[];
  image?: string;
  /** spec.flinkVersion; default v2_3. With v1_20, use `image: flink:1.20` and `jar: counter-job-1.20.jar`. */
  flinkVersion?: string;
  /** The job jar in /opt/flink/usrlib (build-jobs.sh builds one per Flink line); default counter-job.jar. */
  jar?: string;
  savepointDir?: string;
  windowSeconds?: number;
  timeoutSeconds?: number;
  /** More flinkConfiguration keys (e.g. `jobmanager.scheduler: adaptive`). */
  flinkConfiguration?: Record<string, string>;
  /** spec.flinkDeploy.onJobFailure (absent: the default, alert). */
  onJobFailure?: 'alert' | 'restart';
  /** spec.flinkDeploy.upgrade.strategy (absent: the default, recreate). */
  upgradeStrategy?: 'recreate' | 'blue-green';
}

/** How many keys the example application counts (0 .. counterKeys - 1). */
export const counterKeys = 4;

export function counterManifest(o: CounterManifestOptions): string {
  const output = o.output ?? path.join(o.dir, 'out');
  const upgrade = o.upgradeStrategy ? `    upgrade:\n      strategy: ${o.upgradeStrategy}\n` : '';
  const args = [
    ...(o.leadingArgs ?? []),
    ...['--keys', String(counterKeys), '--rate', '20', '--output', output],
    ...(o.extraArgs ?? []),
  ];
  return `apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata:
  name: ${o.app}
  namespace: ${o.namespace}
spec:
  image: ${o.image ?? 'flink:2.3'}
  flinkVersion: ${o.flinkVersion ?? 'v2_3'}
  flinkConfiguration:
    taskmanager.numberOfTaskSlots: "2"
    execution.checkpointing.interval: 2s
    execution.checkpointing.savepoint-dir: ${o.savepointDir ?? `file://${path.join(o.dir, 'savepoints')}`}
    execution.checkpointing.dir: file://${path.join(o.dir, 'checkpoints')}
${Object.entries(o.flinkConfiguration ?? {})
  .map(([key, value]) => `    ${key}: ${JSON.stringify(value)}\n`)
  .join('')}  flinkDeploy:
    stability:
      windowSeconds: ${o.windowSeconds ?? 8}
      timeoutSeconds: ${o.timeoutSeconds ?? 150}
${o.onJobFailure ? `    onJobFailure: ${o.onJobFailure}\n` : ''}${upgrade}  jobManager:
    resource: {memory: 768m, cpu: 0.5}
  taskManager:
    resource: {memory: 1024m, cpu: 0.5}
  job:
    jarURI: local:///opt/flink/usrlib/${o.jar ?? 'counter-job.jar'}
    entryClass: dev.flinkdeploy.testjobs.CounterJob
    args: ${JSON.stringify(args)}
    parallelism: ${o.parallelism ?? 2}
    upgradeMode: ${o.upgradeMode ?? 'savepoint'}
    state: ${o.state ?? 'running'}
`;
}

/** How far each output file had been written (bytes), to read only what comes after. */
export type OutputMark = Map<string, number>;

/** The size of every `counts-*` file of the folder now. */
export function markOutput(outputDir: string): OutputMark {
  const mark: OutputMark = new Map();
  if (!existsSync(outputDir)) return mark;
  for (const file of readdirSync(outputDir).filter((f) => f.startsWith('counts-')))
    mark.set(file, statSync(path.join(outputDir, file)).size);
  return mark;
}

/**
 * Per key, the counts the counter job wrote, in file order (all subtasks, all runs); with
 * `since`, only the bytes written after that mark (a file's last, unfinished line is left out).
 */
export function countsByKey(outputDir: string, since?: OutputMark): Map<number, number[]> {
  const byKey = new Map<number, number[]>();
  if (!existsSync(outputDir)) return byKey;
  for (const file of readdirSync(outputDir)
    .filter((f) => f.startsWith('counts-'))
    .sort()) {
    const text = readFileSync(path.join(outputDir, file))
      .subarray(since?.get(file) ?? 0)
      .toString('utf8');
    for (const line of text.split('\n').slice(0, -1)) {
      const [k, c] = line.trim().split(/\s+/).map(Number);
      if (k === undefined || c === undefined || Number.isNaN(k) || Number.isNaN(c)) continue;
      byKey.set(k, [...(byKey.get(k) ?? []), c]);
    }
  }
  return byKey;
}

/** The highest count written per key. */
export function maxCounts(outputDir: string): Map<number, number> {
  return new Map([...countsByKey(outputDir)].map(([k, cs]) => [k, Math.max(...cs)]));
}

/** How many times a key's count started over at 1 (1 = never restarted from scratch). */
export function startsFromOne(outputDir: string): Map<number, number> {
  return new Map([...countsByKey(outputDir)].map(([k, cs]) => [k, cs.filter((c) => c === 1).length]));
}

/** One key's continuity across a restore: the count the restored state held, and what the new job wrote. */
export interface KeyContinuity {
  key: number;
  /** The old job's last count of the key (the restored state's, for a stop-with-savepoint). */
  lastOld: number | undefined;
  /** The new job's first count of the key. */
  firstNew: number | undefined;
  /** How many counts the new job wrote for the key. */
  newLines: number;
}

/**
 * Per key 0 .. keys-1 (every key, written or not), the old generation's last count and the new
 * generation's first: a restore from the old job's final state gives `firstNew === lastOld + 1`.
 * The old job's counts rise within a run, so its last state is its highest count.
 */
export function continuity(
  old: Map<number, number[]>,
  next: Map<number, number[]>,
  keys = counterKeys,
): KeyContinuity[] {
  return Array.from({ length: keys }, (_, key) => {
    const before = old.get(key) ?? [];
    const after = next.get(key) ?? [];
    return {
      key,
      lastOld: before.length ? Math.max(...before) : undefined,
      firstNew: after[0],
      newLines: after.length,
    };
  });
}
