/**
 * The worker's start-up. An address it cannot listen on is exit 2 naming the setting. A worker started before its
 * Temporal server can be reached (a chart install, a machine's boot) waits for it:
 * it logs each refused attempt and starts polling once the server answers, where it exited at the first refusal
 * with a bare transport error. The server is the stack's real Temporal, reached through a loopback forwarder
 * that only starts listening after the worker's first failed attempt.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { observerWorkflowId } from '../../../src/contract/observed-health';
import { stack } from '../../support/stack';
import { until } from '../cli/run-cli';
import { e2eWorkflowBundle } from '../../support/workflow-bundle';

const taskQueue = `worker-later-${randomUUID()}`;
let worker: ChildProcess | undefined;
let forwarder: net.Server | undefined;
const sockets = new Set<net.Socket>();

/** A free loopback port (listened on, then closed: nothing listens on it when returned). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Forwards `port` to the stack's Temporal frontend, byte for byte. */
async function forward(port: number): Promise<net.Server> {
  const [host, target] = stack.temporalAddress.split(':') as [string, string];
  const server = net.createServer((inbound) => {
    const outbound = net.connect(Number(target), host);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

afterAll(async () => {
  if (worker && worker.exitCode === null && worker.signalCode === null) {
    const exited = new Promise((resolve) => worker!.once('exit', resolve));
    worker.kill('SIGTERM');
    await exited;
  }
  const connection = await Connection.connect({ address: stack.temporalAddress });
  await new Client({ connection }).workflow
    .getHandle(observerWorkflowId(taskQueue))
    .terminate('end of the test')
    .catch(() => undefined);
  await connection.close();
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => (forwarder ? forwarder.close(resolve) : resolve(undefined)));
});

test('a worker whose Temporal answers only later waits for it, saying so, then polls', async () => {
  const port = await freePort();
  let log = '';
  worker = spawn(
    path.join(stack.root, 'node_modules', '.bin', 'node'),
    [path.join(stack.root, 'bin', 'flink-deploy.js'), 'worker'],
    {
      env: {
        ...process.env,
        KUBECONFIG: stack.kubeconfig,
        TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
        FLINK_DEPLOY_TASK_QUEUE: taskQueue,
        FLINK_DEPLOY_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
        FLINK_DEPLOY_OBSERVE_NAMESPACES: `nothing-${randomUUID().slice(0, 6)}`,
        FLINK_DEPLOY_WORKFLOW_BUNDLE: e2eWorkflowBundle(),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const append = (chunk: Buffer) => {
    log += chunk.toString();
  };
  worker.stdout?.on('data', append);
  worker.stderr?.on('data', append);

  await until(() => log.includes('cannot reach Temporal yet; retrying') || worker!.exitCode !== null, 60_000);
  expect(worker.exitCode).toBeNull();
  const retried = log.split('\n').find((line) => line.includes('cannot reach Temporal yet'))!;
  expect(JSON.parse(retried)).toMatchObject({ temporalAddress: `127.0.0.1:${port}`, attempt: 1 });

  forwarder = await forward(port);
  await until(() => log.includes('"msg":"worker running"') || worker!.exitCode !== null, 90_000);
  expect({ exitCode: worker.exitCode, running: log.includes('"msg":"worker running"') }).toEqual({
    exitCode: null,
    running: true,
  });
  // It polls the task queue on the real server.
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    const pollers = async () =>
      (
        await connection.workflowService.describeTaskQueue({
          namespace: 'default',
          taskQueue: { name: taskQueue },
          taskQueueType: 1, // workflow
        })
      ).pollers ?? [];
    const deadline = Date.now() + 30_000;
    while ((await pollers()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    expect((await pollers()).length).toBeGreaterThan(0);
  } finally {
    await connection.close();
  }
}, 240_000);

test('a metrics or health address another process holds: exit 2 naming the setting, its flag and env var', async () => {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const held = `127.0.0.1:${(holder.address() as net.AddressInfo).port}`;
  try {
    for (const [vars, setting] of [
      [
        { FLINK_DEPLOY_METRICS_ADDRESS: held },
        'metrics.address (flag --metrics-address, env FLINK_DEPLOY_METRICS_ADDRESS)',
      ],
      [
        { FLINK_DEPLOY_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`, FLINK_DEPLOY_HEALTH_ADDRESS: held },
        'health.address (flag --health-address, env FLINK_DEPLOY_HEALTH_ADDRESS)',
      ],
    ] as const) {
      const run = spawnSync(
        path.join(stack.root, 'node_modules', '.bin', 'node'),
        [path.join(stack.root, 'bin', 'flink-deploy.js'), 'worker'],
        {
          env: {
            ...process.env,
            KUBECONFIG: stack.kubeconfig,
            TEMPORAL_ADDRESS: stack.temporalAddress,
            FLINK_DEPLOY_TASK_QUEUE: taskQueue,
            ...vars,
          },
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect({ setting, status: run.status }).toEqual({ setting, status: 2 });
      expect(run.stderr).toContain(`error: cannot listen on ${held}, ${setting}: `);
      expect(run.stderr).toContain('is another worker running on this machine?');
    }
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
}, 120_000);
