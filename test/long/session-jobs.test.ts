/**
 * FlinkSessionJobs on one session cluster, through the CLI, on the local stack: two counter jobs
 * submitted (their jar fetched by the worker from file://, uploaded once), one upgraded with a
 * savepoint while the other runs on untouched (restored from THAT savepoint, every key continued),
 * one suspended and resumed while the other runs, a manual savepoint, a last-state upgrade (restored
 * from the checkpoint retained on cancel), a rollback on request, a job naming no session cluster
 * refused with nothing created, the cluster's upgrade refused under its jobs and then, with
 * upgrade.jobs: carry-over, carrying both over from their savepoints; both deleted with their Services, and
 * then their jar from the cluster.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  continuity,
  core,
  countsByKey,
  E2eEnv,
  eventually,
  expectRestoredFrom,
  flinkOf,
  kube,
  newCountsOfEveryKey,
  readRecord,
  sameLocation,
} from '../support/e2e';
import { counterJob } from '../support/counter-job';

const env = new E2eEnv('long-sessionjobs');
env.extraEnv = { FLINK_DEPLOY_SESSION_JAR_SCHEMES: 'https,s3,file' };
beforeAll(() => env.setUp());
afterAll(() => env.tearDown());

const cluster = 'shared';
const clusterManifest = `apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: {name: ${cluster}}
spec:
  image: flink:2.3
  flinkVersion: v2_3
  flinkConfiguration:
    taskmanager.numberOfTaskSlots: "4"
    execution.checkpointing.savepoint-dir: file://${path.join(env.dir, 'savepoints')}
    execution.checkpointing.dir: file://${path.join(env.dir, 'checkpoints')}
  jobManager: {resource: {memory: 768m, cpu: 0.5}}
  taskManager: {replicas: 1, resource: {memory: 1536m, cpu: 0.5}}
`;

function file(name: string, text: string): string {
  const target = path.join(env.dir, name);
  writeFileSync(target, text);
  return target;
}

/** A counter session job writing to its own folder `out` (one per generation). */
function jobManifest(name: string, out: string, deploymentName = cluster, upgradeMode = 'savepoint'): string {
  const args = ['--keys', '4', '--rate', '20', '--output', env.outputDir(name, out)];
  return file(
    `${name}-${out}.yaml`,
    `apiVersion: flink.apache.org/v1beta1
kind: FlinkSessionJob
metadata: {name: ${name}}
spec:
  deploymentName: ${deploymentName}
  job:
    jarURI: file://${counterJob.jar}
    entryClass: ${counterJob.mainClass}
    args: ${JSON.stringify(args)}
    parallelism: 1
    upgradeMode: ${upgradeMode}
`,
  );
}

const apply = (manifest: string) =>
  env.cli(['apply', '-f', manifest, '-n', env.namespace, '--wait', '--timeout', '6m']);

test(
  'session jobs: two on one cluster, one upgraded with its state while the other runs, suspend/resume, delete',
  async () => {
    expect((await apply(file('cluster.yaml', clusterManifest))).code).toBe(0);

    // A job naming no session cluster: refused before anything starts (no record).
    const orphan = await apply(jobManifest('orphan', 'out', 'nowhere'));
    expect(orphan.code).toBe(2);
    expect(orphan.stderr).toContain(`session cluster ${env.namespace}/nowhere`);
    expect(await kube.records.readRecord(env.namespace, 'orphan')).toBeUndefined();

    const [a1, b1] = [jobManifest('a', 'gen-1'), jobManifest('b', 'gen-1')];
    const deployA = await apply(a1);
    expect(deployA.code).toBe(0);
    expect((await apply(b1)).code).toBe(0);
    const [a, b] = [await readRecord(env.namespace, 'a'), await readRecord(env.namespace, 'b')];
    expect({ a: a.status, b: b.status }).toEqual({ a: 'running', b: 'running' });
    const shared = await flinkOf(env.namespace, cluster);
    // Asked of the cluster's JobManager of the moment (its address changes with a new generation).
    const running = async () =>
      (await (await flinkOf(env.namespace, cluster)).jobsOverview())
        .filter((j) => j.state === 'RUNNING')
        .map((j) => j.jid)
        .sort();
    expect(await running()).toEqual([a.jobId, b.jobId].sort());
    // One content, one upload: both jobs run from the same jar on the cluster.
    expect((await shared.listJars()).filter((jar) => jar.name.endsWith('counter-job.jar'))).toHaveLength(1);
    await newCountsOfEveryKey(env.outputDir('a', 'gen-1'));
    await newCountsOfEveryKey(env.outputDir('b', 'gen-1'));

    // Upgrade a (its arguments changed): stopped with a savepoint, resubmitted from it; b untouched.
    const upgrade = await apply(jobManifest('a', 'gen-2'));
    expect(upgrade.code).toBe(0);
    const upgraded = await readRecord(env.namespace, 'a');
    const savepoint = upgraded.savepoints.find((s) => s.kind === 'upgrade');
    expect(savepoint?.jobId).toBe(a.jobId);
    expect(upgraded.jobId).not.toBe(a.jobId);
    await expectRestoredFrom(env.namespace, 'a', upgraded.jobId!, savepoint?.location);
    const after = await newCountsOfEveryKey(env.outputDir('a', 'gen-2'));
    const keys = continuity(countsByKey(env.outputDir('a', 'gen-1')), after);
    expect(keys).toEqual(keys.map((k) => ({ ...k, firstNew: k.lastOld! + 1 })));
    expect(keys.every((k) => k.lastOld! > 1 && k.newLines >= 3)).toBe(true);
    expect((await readRecord(env.namespace, 'b')).jobId).toBe(b.jobId);
    expect(await running()).toEqual([upgraded.jobId, b.jobId].sort());
    // People see the upgrade's Events on the job's own object, its Service (kubectl describe service a-rest).
    const events = await core.listNamespacedEvent({
      namespace: env.namespace,
      fieldSelector: 'involvedObject.name=a-rest',
    });
    const service = await core.readNamespacedService({ name: 'a-rest', namespace: env.namespace });
    const told = events.items.filter((e) => e.involvedObject.uid === service.metadata?.uid).map((e) => e.reason);
    expect(told).toEqual(
      expect.arrayContaining(['Savepointing', 'Submitting', 'WaitingForStable', 'OperationSucceeded']),
    );

    // Suspend b: its job stops with a savepoint, a runs on; resume b from that savepoint.
    const suspend = await env.cli(['suspend', 'b', '-n', env.namespace, '--wait', '--timeout', '5m']);
    expect(suspend.code).toBe(0);
    const suspended = await readRecord(env.namespace, 'b');
    expect(suspended.status).toBe('suspended');
    expect(await running()).toEqual([upgraded.jobId]);
    const resume = await env.cli(['resume', 'b', '-n', env.namespace, '--wait', '--timeout', '6m']);
    expect(resume.code).toBe(0);
    const resumed = await readRecord(env.namespace, 'b');
    const suspendSavepoint = suspended.savepoints.find((s) => s.kind === 'suspend');
    await expectRestoredFrom(env.namespace, 'b', resumed.jobId!, suspendSavepoint?.location);
    expect(await running()).toEqual([upgraded.jobId, resumed.jobId].sort());

    // A manual savepoint of b: taken on the cluster, recorded, the job runs on.
    const manual = await env.cli(['savepoint', 'b', '-n', env.namespace, '--wait', '--timeout', '3m']);
    expect(manual.code).toBe(0);
    const saved = (await readRecord(env.namespace, 'b')).savepoints.find((s) => s.kind === 'manual');
    expect(saved?.jobId).toBe(resumed.jobId);
    // Flink's checkpoint statistics are cached for a few seconds: it says so once they refresh.
    await eventually("Flink lists the manual savepoint as the job's latest", async () =>
      sameLocation((await shared.checkpoints(resumed.jobId!)).latestSavepoint?.externalPath, saved?.location)
        ? true
        : undefined,
    );

    // A last-state upgrade of b: cancelled, restored from its latest checkpoint (retained on cancel).
    const lastState = await apply(jobManifest('b', 'gen-3', cluster, 'last-state'));
    expect(lastState.code).toBe(0);
    const b3 = await readRecord(env.namespace, 'b');
    const checkpoint = b3.savepoints.find((s) => s.kind === 'checkpoint');
    expect(checkpoint?.jobId).toBe(resumed.jobId);
    expect(sameLocation((await shared.checkpoints(b3.jobId!)).latestRestored?.externalPath, checkpoint?.location)).toBe(
      true,
    );
    const old = countsByKey(env.outputDir('b', 'gen-1'));
    for (const k of continuity(old, await newCountsOfEveryKey(env.outputDir('b', 'gen-3')))) {
      const restored = (k.firstNew ?? 0) - 1;
      expect(restored).toBeGreaterThan(0);
    }

    // A rollback of a on request: its last stable version again, from a fresh savepoint of the running job.
    const rollback = await env.cli(['rollback', 'a', '-n', env.namespace, '--wait', '--timeout', '6m']);
    expect(rollback.code).toBe(0);
    const back = await readRecord(env.namespace, 'a');
    const fresh = back.savepoints.find((s) => s.jobId === upgraded.jobId);
    expect(back.jobId).not.toBe(upgraded.jobId);
    expect(sameLocation(back.restoredFrom, fresh?.location)).toBe(true);
    await expectRestoredFrom(env.namespace, 'a', back.jobId!, fresh?.location);
    expect(await running()).toEqual([back.jobId, b3.jobId].sort());

    // The cluster is not upgraded under its jobs.
    const busy = await apply(file('cluster-2.yaml', clusterManifest.replace('replicas: 1', 'replicas: 2')));
    expect(busy.code).toBe(2);

    // With upgrade.jobs: carry-over, the cluster's upgrade suspends both jobs (a with a savepoint, b, now
    // last-state, with its latest checkpoint), rolls the cluster out as a new generation, and resumes each
    // from THAT state, as Flink says.
    const [aBefore, bBefore] = [await readRecord(env.namespace, 'a'), await readRecord(env.namespace, 'b')];
    const carryOver = '  flinkDeploy: {upgrade: {jobs: carry-over}}\n';
    const carry = `${clusterManifest.replace('replicas: 1', 'replicas: 2')}${carryOver}`;
    const carried = await apply(file('cluster-3.yaml', carry));
    expect(carried.code).toBe(0);
    expect(carried.stdout + carried.stderr).toContain('session jobs carried over');
    expect(await readRecord(env.namespace, cluster)).toMatchObject({ status: 'running', generation: 2 });
    for (const [job, before] of [
      ['a', aBefore],
      ['b', bBefore],
    ] as const) {
      const after = await readRecord(env.namespace, job);
      // Secured as its suspend does: a savepoint (a), the latest checkpoint of a last-state job (b).
      const secured = after.savepoints.find(
        (s) => s.jobId === before.jobId && s.kind === (job === 'a' ? 'suspend' : 'checkpoint'),
      );
      expect(sameLocation(after.restoredFrom, secured?.location)).toBe(true);
      expect({ job, status: after.status, moved: after.jobId !== before.jobId }).toEqual({
        job,
        status: 'running',
        moved: true,
      });
      if (job === 'a') await expectRestoredFrom(env.namespace, job, after.jobId!, secured?.location);
      else {
        const flink = await flinkOf(env.namespace, job);
        const restored = (await flink.checkpoints(after.jobId!)).latestRestored?.externalPath;
        expect(sameLocation(restored, secured?.location)).toBe(true);
      }
    }
    expect((await flinkOf(env.namespace, cluster).then((f) => f.overview())).taskmanagers).toBe(2);

    for (const job of ['a', 'b']) {
      const deleted = await env.cli(['delete', job, '-n', env.namespace, '--wait', '--timeout', '5m']);
      expect(deleted.code).toBe(0);
      expect(await kube.records.readRecord(env.namespace, job)).toBeUndefined();
    }
    expect(await running()).toEqual([]);
    // No job uses the jar any more: deleted from the cluster (by the last delete).
    const cleared = await flinkOf(env.namespace, cluster);
    expect((await cleared.listJars()).filter((jar) => jar.name.endsWith('counter-job.jar'))).toEqual([]);
  },
  30 * 60_000,
);
