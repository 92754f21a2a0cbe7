/**
 * The example application (our stateful counter job) as a FlinkDeployment manifest for the
 * local stack, and readers of what the job wrote. Shared by the demo and the end-to-end tests.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface CounterManifestOptions {
  app: string;
  namespace: string;
  /** Folder of this app's savepoints, checkpoints and output. */
  dir: string;
  parallelism?: number;
  upgradeMode?: 'savepoint' | 'last-state' | 'stateless';
  state?: 'running' | 'suspended';
  /** Extra job args, e.g. ['--fail-after-records', '0'] for a broken version. */
  extraArgs?: string[];
  image?: string;
  savepointDir?: string;
  windowSeconds?: number;
  timeoutSeconds?: number;
  /** spec.flinkDeploy.onJobFailure (absent: the default, alert). */
  onJobFailure?: 'alert' | 'restart';
}

export function counterManifest(o: CounterManifestOptions): string {
  const args = ['--keys', '4', '--rate', '20', '--output', path.join(o.dir, 'out'), ...(o.extraArgs ?? [])];
  return `apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata:
  name: ${o.app}
  namespace: ${o.namespace}
spec:
  image: ${o.image ?? 'flink:2.3'}
  flinkVersion: v2_3
  flinkConfiguration:
    taskmanager.numberOfTaskSlots: "2"
    execution.checkpointing.interval: 2s
    execution.checkpointing.savepoint-dir: ${o.savepointDir ?? `file://${path.join(o.dir, 'savepoints')}`}
    execution.checkpointing.dir: file://${path.join(o.dir, 'checkpoints')}
  flinkDeploy:
    stability:
      windowSeconds: ${o.windowSeconds ?? 8}
      timeoutSeconds: ${o.timeoutSeconds ?? 150}
${o.onJobFailure ? `    onJobFailure: ${o.onJobFailure}\n` : ''}  jobManager:
    resource: {memory: 768m, cpu: 0.5}
  taskManager:
    resource: {memory: 1024m, cpu: 0.5}
  job:
    jarURI: local:///opt/flink/usrlib/counter-job.jar
    entryClass: dev.flinkdeploy.testjobs.CounterJob
    args: ${JSON.stringify(args)}
    parallelism: ${o.parallelism ?? 2}
    upgradeMode: ${o.upgradeMode ?? 'savepoint'}
    state: ${o.state ?? 'running'}
`;
}

/** Per key, the counts the counter job wrote, in file order (all subtasks, all runs). */
export function countsByKey(outputDir: string): Map<number, number[]> {
  const byKey = new Map<number, number[]>();
  if (!existsSync(outputDir)) return byKey;
  for (const file of readdirSync(outputDir)
    .filter((f) => f.startsWith('counts-'))
    .sort()) {
    for (const line of readFileSync(path.join(outputDir, file), 'utf8').split('\n')) {
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
