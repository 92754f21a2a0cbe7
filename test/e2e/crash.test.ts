/**
 * Crash survival: the worker is SIGKILLed at each step of a savepoint upgrade and restarted.
 * Every time, the upgrade finishes correctly, one trigger id gives one savepoint, and at no
 * moment do two jobs of the application run (sampled from Kubernetes and Flink throughout).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Connection, Client } from '@temporalio/client';
import { progressQuery } from '../../src/contract/progress';
import { operationWorkflowId } from '../../src/contract/ids';
import type { OperationResult } from '../../src/contract/operations';
import { core, E2eEnv, flinkOf, readRecord, removeApp, startsFromOne } from '../support/e2e';
import { stack } from '../support/stack';

const env = new E2eEnv('e2e-crash');
let connection: Connection;
let client: Client;
beforeAll(async () => {
  await env.setUp();
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection });
});
afterAll(async () => {
  await connection?.close();
  await env.tearDown();
});

/** Samples, until stopped, how many JobManager pods exist and how many jobs RUNNING they report. */
function watchForTwoJobs(app: string) {
  let stop = false;
  let maxJobManagers = 0;
  let maxRunningJobs = 0;
  const done = (async () => {
    while (!stop) {
      const pods = (await core.listNamespacedPod({ namespace: env.namespace })).items.filter(
        (p) =>
          p.metadata?.labels?.['app.kubernetes.io/instance'] === app &&
          p.metadata?.labels?.['app.kubernetes.io/component'] === 'jobmanager' &&
          p.status?.phase === 'Running',
      );
      maxJobManagers = Math.max(maxJobManagers, pods.length);
      let running = 0;
      for (const pod of pods) {
        const res = await fetch(`http://${pod.status?.podIP}:8081/jobs`, { signal: AbortSignal.timeout(1000) }).catch(
          () => undefined,
        );
        const body = res?.ok ? ((await res.json()) as { jobs: { status: string }[] }) : { jobs: [] };
        running += body.jobs.filter((j) => j.status === 'RUNNING').length;
      }
      maxRunningJobs = Math.max(maxRunningJobs, running);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    stop: async () => {
      stop = true;
      await done;
      return { maxJobManagers, maxRunningJobs };
    },
  };
}

const savepointDirs = (app: string): string[] => {
  const dir = path.join(env.dir, app, 'savepoints');
  return existsSync(dir) ? readdirSync(dir).filter((d) => d.startsWith('savepoint-')) : [];
};

test.each(['Savepointing', 'Deploying', 'WaitingForStable'])(
  'worker SIGKILLed in phase %s of a savepoint upgrade: the upgrade finishes correctly',
  async (phase) => {
    const app = `crash-${phase.toLowerCase()}`;
    expect(
      (await env.cli(['apply', '-f', env.manifest(app, { parallelism: 2 }), '--wait', '--timeout', '5m'])).code,
    ).toBe(0);
    const first = await readRecord(env.namespace, app);
    const before = savepointDirs(app);

    const watcher = watchForTwoJobs(app);
    const started = await env.cli(['apply', '-f', env.manifest(app, { parallelism: 3 }), '--no-wait']);
    expect(started.code).toBe(0);
    const handle = client.workflow.getHandle(operationWorkflowId({ namespace: env.namespace, name: app }));
    // Kill as soon as the phase is entered (Deploying lasts a fraction of a second: poll fast).
    const deadline = Date.now() + 180_000;
    while (
      !(await handle.query(progressQuery).then(
        (p) => p.phases.some((e) => e.phase === phase),
        () => false,
      ))
    ) {
      if (Date.now() > deadline) throw new Error(`phase ${phase} not reached`);
      await new Promise((r) => setTimeout(r, 25));
    }
    await env.killWorker();
    await new Promise((r) => setTimeout(r, 3000));
    env.startWorker();
    const result = (await handle.result()) as OperationResult;
    const { maxJobManagers, maxRunningJobs } = await watcher.stop();

    expect(result.outcome).toBe('succeeded');
    const record = await readRecord(env.namespace, app);
    const upgradeSavepoints = record.savepoints.filter((s) => s.kind === 'upgrade');
    expect(upgradeSavepoints).toHaveLength(1);
    // One trigger id, one savepoint on disk.
    expect(savepointDirs(app).filter((d) => !before.includes(d))).toHaveLength(1);
    expect(upgradeSavepoints[0]?.jobId).toBe(first.jobId);
    const flink = await flinkOf(env.namespace, app);
    const restored = (await flink.checkpoints(record.jobId!)).latestRestored?.externalPath;
    expect(restored?.replace('file:///', 'file:/')).toBe(upgradeSavepoints[0]?.location.replace('file:///', 'file:/'));
    expect((await flink.jobDetails(record.jobId!)).state).toBe('RUNNING');
    expect([...startsFromOne(env.outputDir(app)).values()].every((n) => n === 1)).toBe(true);
    expect(maxJobManagers).toBeLessThanOrEqual(1);
    expect(maxRunningJobs).toBeLessThanOrEqual(1);
    await removeApp(env.namespace, app);
  },
);
