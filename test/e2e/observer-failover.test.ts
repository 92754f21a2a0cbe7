/**
 * Issue 10 §3: the worker running the observer's sweep is SIGKILLed → another worker of the task
 * queue sweeps within the heartbeat timeout (2 × interval + 10 s). No application is needed: a
 * sweep shows on a worker's own metrics endpoint (`flink_deploy_observer_sweep_duration_seconds`).
 */
import type { ChildProcess } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { observerWorkflowId } from '../../src/contract/observed-health';
import { E2eEnv, eventually } from '../support/e2e';
import { stack } from '../support/stack';

const INTERVAL_S = 3;
const HEARTBEAT_TIMEOUT_MS = 2 * INTERVAL_S * 1000 + 10_000;
const env = new E2eEnv('e2e-observer-failover');
env.extraEnv = { FLINK_DEPLOY_OBSERVE_INTERVAL: `${INTERVAL_S}s` };
const otherPort = env.metricsPort + 1;
let other: ChildProcess | undefined;
let connection: Connection;
beforeAll(async () => {
  await env.setUp();
  other = env.spawnWorker({ FLINK_DEPLOY_METRICS_ADDRESS: `127.0.0.1:${otherPort}` }, 'worker-2.log');
  connection = await Connection.connect({ address: stack.temporalAddress });
});
afterAll(async () => {
  other?.kill('SIGKILL');
  await connection?.close();
  await env.tearDown();
});

/** The sweep gauge of the worker serving metrics on `port`, if it swept. */
async function sweepGauge(port: number): Promise<string | undefined> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.text(),
    () => '',
  );
  return text.split('\n').find((l) => l.startsWith('flink_deploy_observer_sweep_duration_seconds'));
}

test('SIGKILL the worker running the sweep: the other worker sweeps within the heartbeat timeout', async () => {
  const handle = new Client({ connection }).workflow.getHandle(observerWorkflowId(env.taskQueue));
  const running = await eventually(
    'the observer sweeps on one of the two workers',
    async () => (await handle.describe()).raw.pendingActivities?.[0]?.lastWorkerIdentity ?? undefined,
    180_000, // two workers bundling the workflow code at once on a busy machine
  );
  const pids = { first: env.worker!.pid!, other: other!.pid! };
  const onFirst = running.startsWith(`${pids.first}@`);
  expect(running.startsWith(`${onFirst ? pids.first : pids.other}@`)).toBe(true);
  const survivorPort = onFirst ? otherPort : env.metricsPort;
  expect(await sweepGauge(survivorPort)).toBeUndefined(); // the survivor has not swept yet

  const killedAt = Date.now();
  if (onFirst) await env.killWorker();
  else {
    const exited = new Promise((r) => other!.once('exit', r));
    other!.kill('SIGKILL');
    await exited;
  }
  await eventually('the surviving worker sweeps', () => sweepGauge(survivorPort), 2 * HEARTBEAT_TIMEOUT_MS);
  const tookMs = Date.now() - killedAt;
  console.log(`observer failover: swept on the other worker ${tookMs} ms after the SIGKILL`);
  // The heartbeat timeout, the retry's first backoff (1 s) and one poll of the probe.
  expect(tookMs).toBeLessThanOrEqual(HEARTBEAT_TIMEOUT_MS + 5_000);
});
