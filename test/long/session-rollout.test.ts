/**
 * A session cluster and its jobs from one file, on the local stack: the Apache operator's own
 * basic-session-deployment-and-job.yaml applied as written runs (its cluster sets no taskManager.replicas, so
 * its TaskManagers are started on demand: 6 for its jobs' 4 + 2 slots (kept when the file is applied again), 2 once
 * one is suspended (the idle ones removed, those running the other's tasks kept), back to 1 once they are deleted),
 * its jars fetched through a loopback mirror of Maven Central (sessionJob.jarMirrors); so do its session cluster and
 * session job examples applied one after the other; our
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
import { apps, E2eEnv, eventually, flinkOf, kube, newCountsOfEveryKey, readRecord } from '../support/e2e';
import { stack } from '../support/stack';

const env = new E2eEnv('long-sessionrollout');
let mirror: Server;
/** The paths the mirror was asked for. */
const asked: string[] = [];
const jarPath = '/maven2/dev/flinkdeploy/counter-job/1.0/counter-job-1.0.jar';
/**
 * What the mirror serves for the Apache example's jars (Maven Central's 2.2.0 paths). This registry has no 2.2.0
 * release of them, so: Maven Central's own TopSpeedWindowing jar of 2.3.0, as published; and for the plain
 * flink-examples-streaming jar, its StateMachineExample shaded with the datagen connector it needs (the jar as
 * published has the example's classes only, and Flink's lib has no datagen connector, so on Flink's image the job
 * could not start: the official image's examples/streaming jar is such a shaded one).
 */
const exampleJars: Record<string, string> = {
  'flink-examples-streaming-2.2.0-TopSpeedWindowing.jar': path.join(stack.jobsDir, 'central', 'TopSpeedWindowing.jar'),
  'flink-examples-streaming-2.2.0.jar': path.join(stack.jobsDir, 'StateMachineExample.jar'),
};

beforeAll(async () => {
  mirror = createServer((req, res) => {
    asked.push(req.url ?? '');
    const example = exampleJars[(req.url ?? '').replace(/^\/central\//, '')];
    if (req.url === jarPath) createReadStream(counterJob.jar).pipe(res);
    else if (req.url?.startsWith('/central/') && example) createReadStream(example).pipe(res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
  const port = (mirror.address() as AddressInfo).port;
  env.extraEnv = {
    FLINK_DEPLOY_SESSION_JAR_MIRRORS:
      `https://repo.example.com/maven2/=http://127.0.0.1:${port}/maven2/,` +
      `https://repo1.maven.org/maven2/org/apache/flink/flink-examples-streaming/2.2.0/=http://127.0.0.1:${port}/central/`,
  };
  await env.setUp();
});
afterAll(async () => {
  await env.tearDown();
  await new Promise((resolve) => mirror.close(resolve));
});

const taskManagerReplicas = async (cluster: string) =>
  (await apps.readNamespacedDeployment({ namespace: env.namespace, name: `${cluster}-taskmanager` })).spec?.replicas;

const apply = (file: string) => env.cli(['apply', '-f', file, '-n', env.namespace, '--wait', '--timeout', '10m']);

test(
  "the Apache operator's session example as written: both jobs run, on TaskManagers started for their slots",
  async () => {
    const example = path.join(__dirname, '..', 'fixtures', 'apache-operator', 'basic-session-deployment-and-job.yaml');
    const cluster = 'basic-session-deployment-example';
    const jobs = { 'basic-session-job-example': 4, 'basic-session-job-example2': 2 };
    const result = await apply(example);
    expect({ code: result.code, err: result.code === 0 ? '' : result.stderr }).toEqual({ code: 0, err: '' });

    // Its jars came from the mirror, by the manifest's paths.
    expect(asked).toEqual(expect.arrayContaining(Object.keys(exampleJars).map((file) => `/central/${file}`)));
    // Flink runs both, each at its parallelism, on the TaskManagers started for them: 4 + 2 slots of 1 each.
    const flink = await flinkOf(env.namespace, cluster);
    for (const [name, parallelism] of Object.entries(jobs)) {
      const record = await readRecord(env.namespace, name);
      expect({ name, status: record.status }).toEqual({ name, status: 'running' });
      const details = await flink.jobDetails(record.jobId!);
      expect({ name, state: details.state }).toEqual({ name, state: 'RUNNING' });
      expect(Math.max(...details.vertices.map((v) => v.parallelism))).toBe(parallelism);
    }
    expect(await taskManagerReplicas(cluster)).toBe(6);
    const overview = await flink.overview();
    expect([overview.taskmanagers, overview['slots-total'], overview['slots-available']]).toEqual([6, 6, 0]);

    // The same file again: the cluster verified (its objects applied again), the jobs unchanged; the TaskManagers
    // its jobs grew it to stay (the apply does not set the cluster's least count back), no job fails over.
    const again = await apply(example);
    expect({ code: again.code, err: again.code === 0 ? '' : again.stderr }).toEqual({ code: 0, err: '' });
    expect(await taskManagerReplicas(cluster)).toBe(6);
    for (const name of Object.keys(jobs)) {
      const { jobId } = await readRecord(env.namespace, name);
      expect({ name, state: (await flink.jobDetails(jobId!)).state }).toEqual({ name, state: 'RUNNING' });
      expect({ name, exceptions: (await flink.jobExceptions(jobId!)).exceptionHistory.entries }).toEqual({
        name,
        exceptions: [],
      });
    }

    // One job suspended: its four idle TaskManagers go, the two running the other job's tasks stay (the other job
    // never fails over: no exception in its history, every slot still in use).
    const suspended = await env.cli(['suspend', 'basic-session-job-example', '-n', env.namespace, '--wait']);
    expect({ code: suspended.code, err: suspended.code === 0 ? '' : suspended.stderr }).toEqual({ code: 0, err: '' });
    const other = await readRecord(env.namespace, 'basic-session-job-example2');
    expect(await taskManagerReplicas(cluster)).toBe(2);
    await eventually('two TaskManagers registered, both in use', async () => {
      const now = await flink.overview();
      return now.taskmanagers === 2 && now['slots-available'] === 0 ? true : undefined;
    });
    expect((await flink.jobDetails(other.jobId!)).state).toBe('RUNNING');
    expect((await flink.jobExceptions(other.jobId!)).exceptionHistory.entries).toEqual([]);

    // Both deleted: no job runs, the cluster is back to its one TaskManager.
    for (const name of Object.keys(jobs)) {
      const deleted = await env.cli(['delete', name, '-n', env.namespace, '--wait', '--timeout', '5m']);
      expect({ name, code: deleted.code, err: deleted.code === 0 ? '' : deleted.stderr }).toEqual({
        name,
        code: 0,
        err: '',
      });
    }
    expect(await taskManagerReplicas(cluster)).toBe(1);
    await eventually('one TaskManager registered', async () =>
      (await flink.overview()).taskmanagers === 1 ? true : undefined,
    );
    const gone = await env.cli(['delete', cluster, '-n', env.namespace, '--wait', '--timeout', '5m']);
    expect(gone.code).toBe(0);
  },
  20 * 60_000,
);

test(
  "the Apache operator's session cluster and session job examples, each applied alone as written: the job runs",
  async () => {
    const fixtures = path.join(__dirname, '..', 'fixtures', 'apache-operator');
    const cluster = 'basic-session-deployment-only-example';
    const job = 'basic-session-job-only-example';
    const deployed = await apply(path.join(fixtures, 'basic-session-deployment-only.yaml'));
    expect({ code: deployed.code, err: deployed.code === 0 ? '' : deployed.stderr }).toEqual({ code: 0, err: '' });
    expect(await taskManagerReplicas(cluster)).toBe(1);

    const submitted = await apply(path.join(fixtures, 'basic-session-job-only.yaml'));
    expect({ code: submitted.code, err: submitted.code === 0 ? '' : submitted.stderr }).toEqual({ code: 0, err: '' });
    // Its 4 slots of 2 per TaskManager: 2 TaskManagers, TopSpeedWindowing running at parallelism 4.
    const record = await readRecord(env.namespace, job);
    const flink = await flinkOf(env.namespace, cluster);
    const details = await flink.jobDetails(record.jobId!);
    expect(details.state).toBe('RUNNING');
    expect(details.name).toMatch(/TopSpeedWindowing/i);
    expect(Math.max(...details.vertices.map((v) => v.parallelism))).toBe(4);
    expect(await taskManagerReplicas(cluster)).toBe(2);

    for (const name of [job, cluster]) {
      const deleted = await env.cli(['delete', name, '-n', env.namespace, '--wait', '--timeout', '5m']);
      expect({ name, code: deleted.code, err: deleted.code === 0 ? '' : deleted.stderr }).toEqual({
        name,
        code: 0,
        err: '',
      });
    }
  },
  20 * 60_000,
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
