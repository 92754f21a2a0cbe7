/**
 * The matrix's session job (issue 16): a session cluster of its own per run (`<app>-sc`, a FlinkDeployment
 * without spec.job) and one counter FlinkSessionJob `<app>` on it, its jar fetched by the worker from
 * file:// (FLINK_DEPLOY_SESSION_JAR_SCHEMES, matrix-env.ts). The cluster keeps the job's savepoints and
 * checkpoints under `<app>/`, where the invariants look for an application's; it runs no other job, so
 * its RUNNING jobs are this job's generations.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { counterKeys } from '../../../scripts/lib/counter-app';
import { counterJob } from '../../support/counter-job';
import type { MatrixEnv } from './matrix-env';

/** The session cluster the cell's job `app` runs on (its pods are `<app>-sc-…`). */
export const sessionClusterOf = (app: string): string => `${app}-sc`;

function write(env: MatrixEnv, app: string, kind: string, text: string): string {
  const dir = path.join(env.dir, app);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${kind}-${randomUUID().slice(0, 6)}.yaml`);
  writeFileSync(file, text);
  return file;
}

/**
 * The session cluster of `app` (named `opts.name` when it is the cell's subject, with no job): 4 slots on
 * one TaskManager (the old and the new generation's job both fit, so two RUNNING at once would show),
 * checkpoints every 2 s, and Kubernetes HA asked for explicitly (a session cluster has none by default;
 * with it a deleted JobManager recovers the jobs submitted to it, as an application's does).
 */
export function sessionClusterManifest(
  env: MatrixEnv,
  app: string,
  stability: { windowSeconds: number; timeoutSeconds: number },
  opts: { carryOver?: boolean; taskManagerMemory?: string; name?: string } = {},
): string {
  const dir = path.join(env.dir, app);
  const upgrade = opts.carryOver ? `\n    upgrade:\n      jobs: carry-over` : '';
  return write(
    env,
    app,
    'cluster',
    `apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata:
  name: ${opts.name ?? sessionClusterOf(app)}
  namespace: ${env.namespace}
spec:
  image: flink:2.3
  flinkVersion: v2_3
  flinkConfiguration:
    taskmanager.numberOfTaskSlots: "4"
    execution.checkpointing.interval: 2s
    execution.checkpointing.savepoint-dir: file://${path.join(dir, 'savepoints')}
    execution.checkpointing.dir: file://${path.join(dir, 'checkpoints')}
    high-availability.type: kubernetes
  flinkDeploy:${upgrade}
    stability:
      windowSeconds: ${stability.windowSeconds}
      timeoutSeconds: ${stability.timeoutSeconds}
  jobManager:
    resource: {memory: 768m, cpu: 0.5}
  taskManager:
    replicas: 1
    resource: {memory: ${opts.taskManagerMemory ?? '1536m'}, cpu: 0.5}
`,
  );
}

/** The counter FlinkSessionJob `app` writing to `output` (a folder per generation), upgradeMode savepoint. */
export function sessionJobManifest(env: MatrixEnv, app: string, opts: { output: string; parallelism: number }): string {
  const args = ['--keys', String(counterKeys), '--rate', '20', '--output', opts.output];
  return write(
    env,
    app,
    'session-job',
    `apiVersion: flink.apache.org/v1beta1
kind: FlinkSessionJob
metadata:
  name: ${app}
  namespace: ${env.namespace}
spec:
  deploymentName: ${sessionClusterOf(app)}
  job:
    jarURI: file://${counterJob.jar}
    entryClass: ${counterJob.mainClass}
    args: ${JSON.stringify(args)}
    parallelism: ${opts.parallelism}
    upgradeMode: savepoint
`,
  );
}
