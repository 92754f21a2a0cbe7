/**
 * A session cluster (a FlinkDeployment without spec.job) on the local stack, through the CLI:
 * deployed (the JobManager on the `jobmanager` entry point answers with its TaskManager and slots);
 * a counter job submitted to it through REST; an upgrade of the cluster refused while that job runs
 * (exit 2, the job named, nothing changed); with the job cancelled, suspend removes the Deployments;
 * delete removes the rest and the record.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { E2eEnv, appDeploymentNames, eventually, flinkOf, readRecord, kube } from '../support/e2e';
import { counterJob, counterJobArgs } from '../support/counter-job';

const env = new E2eEnv('long-session');
beforeAll(() => env.setUp());
afterAll(() => env.tearDown());

const app = 'shared';
const manifest = (replicas: number) => `apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: {name: ${app}}
spec:
  image: flink:2.3
  flinkVersion: v2_3
  flinkConfiguration: {taskmanager.numberOfTaskSlots: "2"}
  jobManager: {resource: {memory: 768m, cpu: 0.5}}
  taskManager: {replicas: ${replicas}, resource: {memory: 1024m, cpu: 0.5}}
`;

function file(name: string, text: string): string {
  const target = path.join(env.dir, name);
  writeFileSync(target, text);
  return target;
}

test(
  'session cluster: deployed, upgrade refused while a job runs (exit 2, the job named), suspended, deleted',
  async () => {
    const v1 = file('v1.yaml', manifest(1));
    const applied = await env.cli(['apply', '-f', v1, '-n', env.namespace, '--wait', '--timeout', '8m']);
    expect(applied.code).toBe(0);
    const record = await readRecord(env.namespace, app);
    expect(record).toMatchObject({ status: 'running', generation: 1, jobId: null });
    expect(record.lastStableSpec?.sessionCluster).toBe(true);

    const flink = await flinkOf(env.namespace, app);
    const overview = await flink.overview();
    expect({ taskManagers: overview.taskmanagers, slots: overview['slots-total'] }).toEqual({
      taskManagers: 1,
      slots: 2,
    });
    const { jarId } = await flink.uploadJar({ jarPath: counterJob.jar });
    const output = path.join(env.dir, 'counts');
    mkdirSync(output, { recursive: true });
    const jobId = 'd'.repeat(32);
    await flink.runJar({
      jarId,
      jobId,
      entryClass: counterJob.mainClass,
      programArgs: counterJobArgs({ output }),
      parallelism: 1,
    });
    await eventually('the counter job RUNNING', async () =>
      (await flink.jobDetails(jobId)).state === 'RUNNING' ? true : undefined,
    );

    const v2 = file('v2.yaml', manifest(2));
    const refused = await env.cli(['apply', '-f', v2, '-n', env.namespace, '--wait', '--timeout', '5m']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`the upgrade of session cluster ${env.namespace}/${app} is refused`);
    expect(refused.stderr).toContain(jobId);
    expect(await readRecord(env.namespace, app)).toMatchObject({ status: 'running', generation: 1 });
    expect((await flink.jobDetails(jobId)).state).toBe('RUNNING');

    await flink.cancelJob(jobId);
    await eventually('the counter job CANCELED', async () =>
      (await flink.jobDetails(jobId)).state === 'CANCELED' ? true : undefined,
    );
    const suspended = await env.cli(['suspend', app, '-n', env.namespace, '--wait', '--timeout', '5m']);
    expect(suspended.code).toBe(0);
    expect(await readRecord(env.namespace, app)).toMatchObject({ status: 'suspended' });
    expect(await appDeploymentNames(env.namespace, app)).toEqual([]);

    const deleted = await env.cli(['delete', app, '-n', env.namespace, '--wait', '--timeout', '5m']);
    expect(deleted.code).toBe(0);
    expect(await kube.records.readRecord(env.namespace, app)).toBeUndefined();
  },
  20 * 60_000,
);
