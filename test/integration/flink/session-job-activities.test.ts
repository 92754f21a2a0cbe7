/**
 * The session job activities' jars on a real Flink 2.3 session cluster (issue 16): a jar uploaded once
 * per content however many jobs run it; each job's Service names the jar it was submitted from; a jar no
 * job names any more is deleted after the next submission and after a job's delete, never one a job still
 * runs from nor one a person uploaded; a jar deleted between the staging and the run fails the submission
 * retryably and the retry stages it again; a job needing more slots than the cluster has free is refused
 * before anything happens, counting the slots a job waiting for its TaskManager asks though it holds none; two
 * stagings of one content at once leave one jar. The records and Services are in an in-memory Kubernetes.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { activityConfigOf, createActivities } from '../../../src/activities';
import { loadSettings } from '../../../src/config/settings';
import { FlinkRestClient } from '../../../src/flink';
import { AnnotationKey, renderSessionJobService } from '../../../src/k8s/render';
import { emptyRecord } from '../../../src/k8s/state-record/types';
import { parseAppSpec, type AppSpec } from '../../../src/spec';
import { haClusterId } from '../../../src/spec/high-availability';
import { statefulVertices } from '../../../src/activities/state-parallelism';
import { counterJob, counterJobArgs, stateMachineExample } from '../../support/counter-job';
import { InMemoryKube } from '../../support/in-memory-kube';
import { newJobId, startFlinkCluster, type LocalFlinkCluster } from '../../support/local-flink';
import { pollUntil } from './poll';
import { quietLogger } from '../../support/quiet-logger';

const namespace = 'jars';
let base: string;
let cluster: LocalFlinkCluster;
let client: FlinkRestClient;
let kube: InMemoryKube;
const env = new MockActivityEnvironment(undefined, {
  logger: quietLogger,
});

function parsed(yaml: string): AppSpec {
  const result = parseAppSpec(yaml, { sessionJarSchemes: ['file'] });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.spec;
}

/** Session job `name` on cluster `shared` running the jar file `jar` of the test's folder. */
function jobSpec(name: string, jar: string, parallelism = 1): AppSpec {
  const args = counterJobArgs({ output: path.join(base, 'out', name), keys: 2, rate: 5 });
  return parsed(`apiVersion: flink.apache.org/v1beta1
kind: FlinkSessionJob
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  deploymentName: shared
  job:
    jarURI: "file://${path.join(base, jar)}"
    entryClass: ${counterJob.mainClass}
    args: ${JSON.stringify(args)}
    parallelism: ${parallelism}
    upgradeMode: stateless
`);
}

beforeAll(async () => {
  base = mkdtempSync(path.join(os.tmpdir(), 'fd-session-jars-'));
  // One content under two file names: two jars for the cluster (the name carries the file's).
  copyFileSync(counterJob.jar, path.join(base, 'a.jar'));
  copyFileSync(counterJob.jar, path.join(base, 'b.jar'));
  cluster = await startFlinkCluster({
    ip: '127.0.50.12',
    slots: 4,
    workDir: path.join(base, 'cluster'),
    // A lost TaskManager noticed in seconds (the last test).
    config: { 'heartbeat.interval': '1000', 'heartbeat.timeout': '5000' },
  });
  client = new FlinkRestClient({ baseUrl: cluster.restUrl });
  kube = new InMemoryKube();
  const sessionCluster = parsed(`apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: {name: shared, namespace: ${namespace}}
spec:
  image: flink:2.3
  flinkVersion: v2_3
  flinkConfiguration: {taskmanager.numberOfTaskSlots: "4"}
  jobManager: {resource: {memory: 1600m, cpu: 1}}
  taskManager: {replicas: 1, resource: {memory: 1600m, cpu: 1}}
`);
  await kube.records.createRecord(namespace, {
    ...emptyRecord<AppSpec>(namespace, 'shared'),
    status: 'running',
    lastAppliedSpec: sessionCluster,
  });
});
afterAll(async () => {
  await cluster?.stop();
  rmSync(base, { recursive: true, force: true });
});

function activities(flink: FlinkRestClient = client) {
  return createActivities({
    kube,
    flinkFor: () => Promise.resolve(flink),
    config: { ...activityConfigOf(loadSettings({}, {})), sessionJarSchemes: ['file'], pollIntervalMs: 200 },
  });
}

/** Our jars on the cluster (content-named), by name. */
const ours = async () =>
  (await client.listJars())
    .map((j) => j.name)
    .filter((name) => /^[0-9a-f]{16}-/.test(name))
    .sort();
const jarOf = (name: string) => ours().then((names) => names.find((n) => n.endsWith(`-${name}`)));
const annotationOf = (job: string) =>
  kube.get('Service', namespace, `${job}-rest`)?.metadata?.annotations?.[AnnotationKey.Jar];

/** What a deploy or upgrade of a session job does with its jar: Service applied, staged, submitted. */
async function submit(spec: AppSpec, flink: FlinkRestClient = client): Promise<string> {
  const recorded = await kube.records.readRecord<AppSpec>(namespace, spec.name);
  if (recorded) {
    await kube.records.writeRecord({
      namespace,
      app: spec.name,
      record: { ...recorded.record, lastAppliedSpec: spec },
      expectedResourceVersion: recorded.resourceVersion,
    });
  } else {
    await kube.records.createRecord(namespace, {
      ...emptyRecord<AppSpec>(namespace, spec.name),
      status: 'running',
      lastAppliedSpec: spec,
    });
  }
  await kube.apply([renderSessionJobService({ spec, generation: 1 })]);
  const run = activities(flink);
  await env.run(run.stageSessionJob, { spec });
  const jobId = newJobId();
  await env.run(run.submitSessionJob, { spec, generation: 1, jobId });
  // Every task running: its slots held.
  await pollUntil(`job ${jobId} RUNNING`, async () => {
    const job = await client.jobDetails(jobId);
    return job.state === 'RUNNING' && job.vertices.every((v) => v.status === 'RUNNING') ? true : undefined;
  });
  // As the rollout records it: the job the record names.
  const submitted = (await kube.records.readRecord<AppSpec>(namespace, spec.name))!;
  await kube.records.writeRecord({
    namespace,
    app: spec.name,
    record: { ...submitted.record, jobId },
    expectedResourceVersion: submitted.resourceVersion,
  });
  return jobId;
}

async function cancel(jobId: string): Promise<void> {
  await client.cancelJob(jobId);
  await pollUntil(`job ${jobId} CANCELED`, async () =>
    (await client.jobDetails(jobId)).state === 'CANCELED' ? true : undefined,
  );
}

const remove = (job: string) =>
  env.run(activities().removeApplicationObjects, {
    app: { namespace, name: job },
    clusterId: haClusterId(job, 1),
  });

test('one upload per content; a jar no job names is deleted after a submission and a delete', async () => {
  // A jar a person uploaded (not content-named) is never ours to delete.
  const manual = (await client.uploadJar({ jarPath: path.join(base, 'a.jar') })).jarId;

  const x1 = await submit(jobSpec('x', 'a.jar'));
  const a = await jarOf('a.jar');
  expect(await ours()).toEqual([a]);
  expect(annotationOf('x')).toBe(a);
  const y1 = await submit(jobSpec('y', 'a.jar'));
  expect(await ours()).toEqual([a]);
  expect(annotationOf('y')).toBe(a);

  // x moves to b.jar: a stays (y runs from it).
  await cancel(x1);
  const x2 = await submit(jobSpec('x', 'b.jar'));
  const b = await jarOf('b.jar');
  expect(await ours()).toEqual([a, b].sort());
  expect(annotationOf('x')).toBe(b);
  // y moves too: nobody names a any more, so its submission deletes it.
  await cancel(y1);
  const y2 = await submit(jobSpec('y', 'b.jar'));
  expect(await ours()).toEqual([b]);

  // x deleted: b stays for y; y deleted: b goes.
  await cancel(x2);
  await remove('x');
  expect(await ours()).toEqual([b]);
  await cancel(y2);
  await remove('y');
  expect(await ours()).toEqual([]);
  expect((await client.listJars()).map((j) => j.id)).toContain(manual);
  // Jobs submitted from a jar run on after it is deleted: Flink keeps what it submitted.
  await client.deleteJar(manual);
});

test('a jar deleted between the staging and the run fails the submission retryably; the retry stages it', async () => {
  // Stands in for another job's operation deleting the jar as unused in the gap (no real server shows it on cue).
  const racing = Object.create(client) as FlinkRestClient;
  racing.runJar = async (input, options) => {
    await client.deleteJar(input.jarId);
    return client.runJar(input, options);
  };
  const spec = jobSpec('z', 'a.jar');
  await kube.records.createRecord(namespace, {
    ...emptyRecord<AppSpec>(namespace, 'z'),
    status: 'running',
    lastAppliedSpec: spec,
  });
  await kube.apply([renderSessionJobService({ spec, generation: 1 })]);
  const jobId = newJobId();
  const failed = await env.run(activities(racing).submitSessionJob, { spec, generation: 1, jobId }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(failed).toBeInstanceOf(Error);
  expect(failed).not.toBeInstanceOf(ApplicationFailure);
  // Flink 2.3 answers the run of a missing jar with a 500: retried as it is.
  expect(String(failed)).toMatch(/jars\/[^/]+\/run|was deleted from the session cluster before the run/);
  expect((await client.listJobs()).map((j) => j.id)).not.toContain(jobId);

  // Temporal's retry: staged again, submitted with the same job id.
  await env.run(activities().submitSessionJob, { spec, generation: 1, jobId });
  await pollUntil(`job ${jobId} RUNNING`, async () =>
    (await client.jobDetails(jobId)).state === 'RUNNING' ? true : undefined,
  );
  expect(await ours()).toEqual([await jarOf('a.jar')]);
  await cancel(jobId);
});

test('more slots than are free: refused before its jar is staged; an upgrade counts its own job slots', async () => {
  const w = await submit(jobSpec('w', 'a.jar', 3));
  const before = await ours();
  const failed = await env.run(activities().stageSessionJob, { spec: jobSpec('v', 'b.jar', 2) }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(failed).toBeInstanceOf(ApplicationFailure);
  expect(failed).toMatchObject({ type: 'InvalidSpec', nonRetryable: true });
  expect((failed as Error).message).toContain(
    'v needs 2 slot(s) (spec.job.parallelism) and session cluster jars/shared has 1 free: 1 TaskManager(s) × ' +
      '4 slot(s) less 3 its other jobs hold or ask',
  );
  expect(await ours()).toEqual(before);
  // w's upgrade to 4: its own 3 slots are freed by the upgrade, so the cluster's 4 fit it.
  await env.run(activities().stageSessionJob, { spec: jobSpec('w', 'a.jar', 4) });
  await cancel(w);
});

test('an upgrade over the max parallelism of the running job state: refused before anything stops', async () => {
  copyFileSync(stateMachineExample.jar, path.join(base, 'sm.jar'));
  // Flink's StateMachineExample (keyed state), first run with a max parallelism of 2; the upgrade drops the key.
  const sm = (parallelism: number, config: string) =>
    parsed(`apiVersion: flink.apache.org/v1beta1
kind: FlinkSessionJob
metadata: {name: sm, namespace: ${namespace}}
spec:
  deploymentName: shared
  flinkConfiguration: {execution.checkpointing.interval: 1s${config}}
  job:
    jarURI: "file://${path.join(base, 'sm.jar')}"
    entryClass: ${stateMachineExample.mainClass}
    args: ["--rps", "50"]
    parallelism: ${parallelism}
    upgradeMode: savepoint
`);
  const jobId = await submit(sm(1, ', pipeline.max-parallelism: "2"'));
  await pollUntil('a completed checkpoint with state', async () => {
    const state = await statefulVertices(client, jobId).catch(() => undefined);
    return state && state.vertices.length > 0 ? true : undefined;
  });
  const failed = await env.run(activities().stageSessionJob, { spec: sm(3, '') }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(failed).toMatchObject({ type: 'InvalidSpec', nonRetryable: true });
  expect((failed as Error).message).toContain(
    `session job ${namespace}/sm: spec.job.parallelism 3 is over the max parallelism the state of job ${jobId}`,
  );
  expect((await client.jobDetails(jobId)).state).toBe('RUNNING');
  await env.run(activities().stageSessionJob, { spec: sm(2, '') });
  await cancel(jobId);
});

test('two jobs staging one content at once: one jar stays on the cluster, the one both run from', async () => {
  const [p, q] = [jobSpec('p', 'b.jar'), jobSpec('q', 'b.jar')];
  const copies = async () => (await ours()).filter((name) => name.endsWith('-b.jar'));
  await Promise.all([p, q].map((spec) => env.run(activities().stageSessionJob, { spec })));
  expect(await copies()).toHaveLength(1);
  for (const spec of [p, q]) await cancel(await submit(spec));
  expect(await copies()).toHaveLength(1);
});

// Last: its TaskManager does not come back.
test('a job waiting for its lost TaskManager still takes its slots: another job is refused them', async () => {
  const w = await submit(jobSpec('w', 'a.jar', 3));
  await cluster.killTaskManager();
  // Flink no longer counts the TaskManager's slots, so none are held; w is not ended, it waits to restart.
  const lost = async () => ((await client.overview())['slots-total'] === 0 ? true : undefined);
  await pollUntil('the TaskManager lost', lost);
  expect(['FINISHED', 'CANCELED', 'FAILED', 'SUSPENDED']).not.toContain((await client.jobDetails(w)).state);
  const failed = await env.run(activities().stageSessionJob, { spec: jobSpec('v', 'b.jar', 2) }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(failed).toMatchObject({ type: 'InvalidSpec', nonRetryable: true });
  expect((failed as Error).message).toContain(
    'v needs 2 slot(s) (spec.job.parallelism) and session cluster jars/shared has 1 free: 1 TaskManager(s) × ' +
      '4 slot(s) less 3 its other jobs hold or ask',
  );
  // w's own upgrade still counts its slots as its own: the cluster's 4 take it once the TaskManager is back.
  await env.run(activities().stageSessionJob, { spec: jobSpec('w', 'a.jar', 4) });
  await client.cancelJob(w);
});
