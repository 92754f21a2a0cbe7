/**
 * The Apache operator's e2e-sessionjob-cr.yaml, as the operator's own e2e script uses it: its placeholder
 * STREAMING_EXAMPLES_JAR_URL filled with the example jar's Maven Central URL (flink-examples-streaming 1.20.0, fetched
 * by the worker through a loopback mirror of Maven Central, sessionJob.jarMirrors), in the test's namespace. Its
 * PersistentVolumeClaim and IngressClass are kubectl's (flink-deploy applies Flink's kinds only): created through the
 * Kubernetes API; its FlinkDeployment and FlinkSessionJob applied with flink-deploy. The session cluster (Flink 1.20,
 * `mode: native` run standalone and said so, Kubernetes HA, its state on the claim, an Ingress) starts, and the
 * StateMachineExample runs on it at parallelism 2; suspended with a savepoint (on the claim, as a kubelet mounts it at
 * /opt/flink/volume) and resumed, it restores from THAT savepoint (Flink says so).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createKubeClients, loadKubeConfig } from '../../src/k8s';
import { stack } from '../support/stack';
import { E2eEnv, expectRestoredFrom, flinkOf, localPathOf, readRecord } from '../support/e2e';
import {
  CentralMirror,
  createKubectlObjects,
  exampleDocuments,
  MAVEN_CENTRAL,
  STREAMING_EXAMPLES_JAR,
  STREAMING_EXAMPLES_PATH,
} from '../support/operator-example';

const env = new E2eEnv('long-operator-e2e-session');
const mirror = new CentralMirror();
const clients = createKubeClients(loadKubeConfig({ path: stack.kubeconfig }));
const cluster = 'session-cluster-1';
const job = 'flink-example-statemachine';

beforeAll(async () => {
  await mirror.start();
  env.extraEnv = { FLINK_DEPLOY_SESSION_JAR_MIRRORS: `${MAVEN_CENTRAL}=${mirror.root}` };
  await env.setUp();
});
afterAll(async () => {
  await env.tearDown();
  await mirror.close();
});

const ok = (r: { code: number; stdout: string; stderr: string }) => ({
  code: r.code,
  err: r.code === 0 ? '' : r.stdout + r.stderr,
});

test(
  "the operator's e2e session job example: its 1.20 cluster starts, the job runs, resumes from its savepoint",
  async () => {
    expect(existsSync(STREAMING_EXAMPLES_JAR)).toBe(true);
    const example = exampleDocuments({
      fixture: 'e2e-sessionjob-cr.yaml',
      env,
      placeholders: { STREAMING_EXAMPLES_JAR_URL: `${MAVEN_CENTRAL}${STREAMING_EXAMPLES_PATH}` },
    });
    expect(example.flinkKinds).toEqual(['FlinkDeployment', 'FlinkSessionJob']);
    const flinkFile = example.flink;
    // kubectl's part: the PersistentVolumeClaim (in the test's namespace) and the IngressClass.
    expect(example.kubectls.map((d) => d.kind)).toEqual(['PersistentVolumeClaim', 'IngressClass']);
    await createKubectlObjects({ clients, objects: example.kubectls, namespace: env.namespace });

    const applied = await env.cli(['apply', '-f', flinkFile, '--wait', '--timeout', '15m']);
    expect(ok(applied)).toEqual({ code: 0, err: '' });
    // `mode: native` is run standalone, and said so.
    expect(applied.stdout + applied.stderr).toMatch(/spec\.mode/);
    // The jar came from the mirror, by the manifest's path.
    expect(mirror.asked).toContain(`/maven2/${STREAMING_EXAMPLES_PATH}`);

    const record = await readRecord(env.namespace, job);
    expect(record.status).toBe('running');
    const flink = await flinkOf(env.namespace, cluster);
    expect((await flink.overview())['flink-version']).toMatch(/^1\.20\./);
    const details = await flink.jobDetails(record.jobId!);
    expect(details.state).toBe('RUNNING');
    expect(details.name).toMatch(/State machine/i);
    expect(Math.max(...details.vertices.map((v) => v.parallelism))).toBe(2);
    // The cluster's Ingress, rendered from the operator's template.
    const ingress = await clients.objects.read({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: cluster, namespace: env.namespace },
    });
    expect(JSON.stringify(ingress)).toContain(`/${env.namespace}/${cluster}(/|$)(.*)`);

    // Suspended with a savepoint (on the claim), then resumed from it.
    const suspended = await env.cli(['suspend', job, '-n', env.namespace, '--wait', '--timeout', '5m']);
    expect(ok(suspended)).toEqual({ code: 0, err: '' });
    const savepoint = (await readRecord(env.namespace, job)).savepoints.find(
      (s) => s.kind === 'suspend' && s.jobId === record.jobId,
    );
    // On the claim, as a kubelet mounts it at /opt/flink/volume: it outlives the JobManager pod that wrote it.
    const claim = path.join(stack.dir, 'node', 'pvc', env.namespace, 'session-cluster-1-pvc');
    expect(localPathOf(savepoint!.location).startsWith(`${claim}/flink-sp/savepoint-`)).toBe(true);
    expect(existsSync(path.join(localPathOf(savepoint!.location), '_metadata'))).toBe(true);
    const resumed = await env.cli(['resume', job, '-n', env.namespace, '--wait', '--timeout', '10m']);
    expect(ok(resumed)).toEqual({ code: 0, err: '' });
    const after = await readRecord(env.namespace, job);
    expect(after.jobId).not.toBe(record.jobId);
    await expectRestoredFrom(env.namespace, cluster, after.jobId!, savepoint!.location);

    for (const name of [job, cluster]) {
      const deleted = await env.cli(['delete', name, '-n', env.namespace, '--wait', '--timeout', '5m']);
      expect({ name, ...ok(deleted) }).toEqual({ name, code: 0, err: '' });
    }
  },
  25 * 60_000,
);
