/**
 * A session cluster and its jobs from one file, on the local stack: the Apache operator's own
 * basic-session-deployment-and-job.yaml applied as written is refused before anything starts (its jobs ask
 * 4 and 2 slots of a cluster of 1 TaskManager × 1 slot, and TaskManagers are not started on demand); our
 * file of the same shape (the jobs first, the cluster last) is one rollout that deploys the cluster, then
 * both counter jobs on it, their jar fetched by the worker from a mirror (setting sessionJob.jarMirrors, a
 * loopback server standing in for an air-gapped cluster's Maven proxy) and uploaded once; all deleted (the
 * stateless jobs cancelled, as their cluster has no savepoint directory, the delete saying so).
 */
import { createReadStream, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { counterJob } from '../support/counter-job';
import { E2eEnv, flinkOf, kube, newCountsOfEveryKey, readRecord } from '../support/e2e';

const env = new E2eEnv('long-sessionrollout');
let mirror: Server;
/** The paths the mirror was asked for. */
const asked: string[] = [];
const jarPath = '/maven2/dev/flinkdeploy/counter-job/1.0/counter-job-1.0.jar';

beforeAll(async () => {
  mirror = createServer((req, res) => {
    asked.push(req.url ?? '');
    if (req.url === jarPath) createReadStream(counterJob.jar).pipe(res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
  const port = (mirror.address() as AddressInfo).port;
  env.extraEnv = {
    FLINK_DEPLOY_SESSION_JAR_MIRRORS: `https://repo.example.com/maven2/=http://127.0.0.1:${port}/maven2/`,
  };
  await env.setUp();
});
afterAll(async () => {
  await env.tearDown();
  await new Promise((resolve) => mirror.close(resolve));
});

const apply = (file: string) => env.cli(['apply', '-f', file, '-n', env.namespace, '--wait', '--timeout', '10m']);

test(
  "the Apache operator's session example as written: refused before anything starts, saying why",
  async () => {
    const example = path.join(__dirname, '..', 'fixtures', 'apache-operator', 'basic-session-deployment-and-job.yaml');
    const result = await apply(example);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `FlinkSessionJob ${env.namespace}/basic-session-job-example: basic-session-job-example needs 4 slot(s)`,
    );
    expect(result.stderr).toContain('basic-session-job-example2 needs 2 slot(s)');
    expect(result.stderr).toContain("raise the cluster's taskManager.replicas or taskmanager.numberOfTaskSlots");
    for (const name of ['basic-session-deployment-example', 'basic-session-job-example', 'basic-session-job-example2'])
      expect(await kube.records.readRecord(env.namespace, name)).toBeUndefined();
  },
  5 * 60_000,
);

test(
  'one file, its jobs before their cluster: the cluster deployed first, then both jobs, their jar from the mirror',
  async () => {
    const job = (name: string) => `apiVersion: flink.apache.org/v1beta1
kind: FlinkSessionJob
metadata: {name: ${name}}
spec:
  deploymentName: shared
  job:
    jarURI: https://repo.example.com${jarPath}
    entryClass: ${counterJob.mainClass}
    args: ${JSON.stringify(['--keys', '4', '--rate', '20', '--output', env.outputDir(name)])}
    parallelism: 1
    upgradeMode: stateless
`;
    const cluster = `apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: {name: shared}
spec:
  image: flink:2.3
  flinkVersion: v2_3
  flinkConfiguration: {taskmanager.numberOfTaskSlots: "2"}
  jobManager: {resource: {memory: 768m, cpu: 0.5}}
  taskManager: {replicas: 1, resource: {memory: 1536m, cpu: 0.5}}
`;
    const file = path.join(env.dir, 'session.yaml');
    writeFileSync(file, [job('orders'), job('payments'), cluster].join('---\n'));

    const result = await apply(file);
    expect(result.code).toBe(0);

    const shared = await readRecord(env.namespace, 'shared');
    const orders = await readRecord(env.namespace, 'orders');
    const payments = await readRecord(env.namespace, 'payments');
    expect([shared.status, orders.status, payments.status]).toEqual(['running', 'running', 'running']);
    // The cluster's deploy ended before either job's began (the rollout waited for it).
    const ended = Date.parse(shared.history.at(-1)!.endedAt);
    for (const j of [orders, payments]) expect(Date.parse(j.history.at(-1)!.startedAt)).toBeGreaterThan(ended);

    // Both run on the cluster, per Flink, and count every key.
    const flink = await flinkOf(env.namespace, 'shared');
    const running = (await flink.listJobs()).filter((j) => j.status === 'RUNNING').map((j) => j.id);
    expect(running.sort()).toEqual([orders.jobId, payments.jobId].sort());
    await newCountsOfEveryKey(env.outputDir('orders'));
    await newCountsOfEveryKey(env.outputDir('payments'));
    // The jar came from the mirror and was uploaded once, by content, under the manifest's file name.
    expect(asked.filter((p) => p === jarPath).length).toBeGreaterThanOrEqual(1);
    expect((await flink.listJars()).map((j) => j.name)).toEqual([
      expect.stringMatching(/^[0-9a-f]{16}-counter-job-1\.0\.jar$/),
    ]);

    for (const name of ['orders', 'payments', 'shared']) {
      const deleted = await env.cli(['delete', name, '-n', env.namespace, '--wait', '--timeout', '5m']);
      expect({ name, code: deleted.code, out: deleted.code === 0 ? '' : deleted.stdout + deleted.stderr }).toEqual({
        name,
        code: 0,
        out: '',
      });
      // The cluster has no savepoint directory: a stateless job is cancelled instead, and the delete says so.
      if (name !== 'shared')
        expect(deleted.stderr).toContain('the job is stateless (upgradeMode stateless), so it was cancelled');
    }
    expect(await kube.records.readRecord(env.namespace, 'shared')).toBeUndefined();
  },
  20 * 60_000,
);
