/**
 * The Apache operator's e2e-sessionjob-cr.yaml run as the operator's own end-to-end test runs it: its jar
 * placeholder STREAMING_EXAMPLES_JAR_URL filled with Maven Central's URL of Flink's examples jar, and its
 * PersistentVolumeClaim and IngressClass applied through the API as `kubectl apply` does (flink-deploy applies
 * Flink's kinds only, and refuses a file with others, saying so). Then `flink-deploy apply` of its session cluster
 * (Flink 1.20, `mode: native` run standalone, Kubernetes HA and its state on the claim's volume, an Ingress) and
 * its session job: the job runs at its parallelism on Flink 1.20, and its delete stops it with a savepoint in the
 * cluster's savepoint directory on that volume. The jar comes through a loopback mirror standing in for Maven
 * Central (sessionJob.jarMirrors), serving the StateMachineExample jar of the Flink 1.20 image the node runs.
 */
import { createReadStream, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { core, E2eEnv, eventually, flinkOf, localPathOf, readRecord } from '../support/e2e';
import { stack } from '../support/stack';

const env = new E2eEnv('long-operator-e2e');
const example = path.join(__dirname, '..', 'fixtures', 'apache-operator', 'e2e-sessionjob-cr.yaml');
const central = 'https://repo1.maven.org/maven2/org/apache/flink/flink-examples-streaming/';
const jarUrl = `${central}1.20.0/flink-examples-streaming-1.20.0.jar`;
let mirror: Server;
/** The paths the mirror was asked for. */
const asked: string[] = [];

/** The StateMachineExample jar of the Flink 1.20 image on the node (installed when its first pod asked for it). */
function stateMachineJar120(): string | undefined {
  const images = path.join(stack.dir, 'node', 'images');
  const home = readdirSync(images)
    .filter((name) => name.startsWith('flink-1.20'))
    .map((name) => path.join(images, name, 'pyflink'))
    .find((dir) => existsSync(dir));
  const jar = home && path.join(home, 'examples', 'streaming', 'StateMachineExample.jar');
  return jar && existsSync(jar) ? jar : undefined;
}

beforeAll(async () => {
  mirror = createServer((req, res) => {
    asked.push(req.url ?? '');
    const jar = req.url?.startsWith('/central/') && req.url.endsWith('.jar') ? stateMachineJar120() : undefined;
    if (jar) createReadStream(jar).pipe(res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
  const port = (mirror.address() as AddressInfo).port;
  env.extraEnv = { FLINK_DEPLOY_SESSION_JAR_MIRRORS: `${central}=http://127.0.0.1:${port}/central/` };
  await env.setUp();
});
afterAll(async () => {
  await env.tearDown();
  await new Promise((resolve) => mirror.close(resolve));
});

const ok = (r: { code: number; stderr: string }) => ({ code: r.code, err: r.code === 0 ? '' : r.stderr });
const kubeConfig = new k8s.KubeConfig();
kubeConfig.loadFromFile(stack.kubeconfig);
/** Any kind, as `kubectl apply` reaches it. */
const objects = k8s.KubernetesObjectApi.makeApiClient(kubeConfig);

test(
  "the Apache operator's e2e-sessionjob-cr.yaml, filled in as its e2e does: the session job runs on Flink 1.20",
  async () => {
    // As written, apply refuses it before anything happens, naming the placeholder and the other kinds.
    const asWritten = await env.cli(['apply', '-f', example, '-n', env.namespace]);
    expect(asWritten.code).toBe(2);
    expect(asWritten.stderr).toContain('STREAMING_EXAMPLES_JAR_URL');
    expect(asWritten.stderr).toContain('PersistentVolumeClaim');

    // The operator's e2e: the placeholder replaced (sed), the manifests applied into the test's namespace.
    const text = readFileSync(example, 'utf8')
      .replace('STREAMING_EXAMPLES_JAR_URL', jarUrl)
      .replaceAll('namespace: default', `namespace: ${env.namespace}`);
    const documents = parseAllDocuments(text).map((doc) => doc.toJS() as k8s.KubernetesObject);
    const flinkKinds = documents.filter((doc) => doc.apiVersion === 'flink.apache.org/v1beta1');
    const others = documents.filter((doc) => doc.apiVersion !== 'flink.apache.org/v1beta1');
    expect(others.map((doc) => doc.kind).sort()).toEqual(['IngressClass', 'PersistentVolumeClaim']);
    // kubectl's part: the claim in the namespace; the IngressClass is cluster-wide (one per test run, not default).
    for (const doc of others) {
      const body = {
        ...doc,
        metadata: {
          ...doc.metadata,
          ...(doc.kind === 'PersistentVolumeClaim'
            ? { namespace: env.namespace }
            : { name: `${env.namespace}-nginx`, annotations: {} }),
        },
      };
      await objects.create(body);
    }
    const manifest = path.join(env.dir, 'e2e-sessionjob-cr.yaml');
    writeFileSync(manifest, flinkKinds.map((doc) => JSON.stringify(doc)).join('\n---\n'));
    const applied = await env.cli(['apply', '-f', manifest, '-n', env.namespace, '--wait', '--timeout', '15m']);
    expect(ok(applied)).toEqual({ code: 0, err: '' });

    // The jar came through the mirror, by the URL the placeholder was filled with.
    expect(asked).toContain('/central/1.20.0/flink-examples-streaming-1.20.0.jar');
    const cluster = 'session-cluster-1';
    const job = 'flink-example-statemachine';
    const flink = await flinkOf(env.namespace, cluster);
    expect((await flink.config())['flink-version']).toMatch(/^1\.20\./);
    const record = await readRecord(env.namespace, job);
    const details = await flink.jobDetails(record.jobId!);
    expect(details.state).toBe('RUNNING');
    expect(Math.max(...details.vertices.map((v) => v.parallelism))).toBe(2);
    // Its Ingress, from the manifest's template, owned and labelled like the cluster's other objects.
    const ingress = await objects.read({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: cluster, namespace: env.namespace },
    });
    expect(JSON.stringify(ingress)).toContain(`/${env.namespace}/${cluster}(/|$)(.*)`);

    // Deleted with a savepoint (upgradeMode savepoint) in the cluster's directory on the claim's volume.
    const deleted = await env.cli(['delete', job, '-n', env.namespace, '--wait', '--timeout', '5m', '-o', 'json']);
    expect(ok(deleted)).toEqual({ code: 0, err: '' });
    const savepoint = (JSON.parse(deleted.stdout) as { savepoint?: string }).savepoint;
    expect(savepoint).toMatch(/^file:(\/\/\/|\/)opt\/flink\/volume\/flink-sp\/savepoint-/);
    const claimDir = path.join(stack.dir, 'node', 'pvc', env.namespace, 'session-cluster-1-pvc');
    expect(existsSync(path.join(claimDir, 'flink-sp', path.basename(localPathOf(savepoint!)), '_metadata'))).toBe(true);
    await eventually('no job running on the cluster', async () =>
      (await flink.jobsOverview()).every((j) => j.state !== 'RUNNING') ? true : undefined,
    );
    const gone = await env.cli(['delete', cluster, '-n', env.namespace, '--wait', '--timeout', '5m']);
    expect(ok(gone)).toEqual({ code: 0, err: '' });
    await core.deleteNamespacedPersistentVolumeClaim({ name: 'session-cluster-1-pvc', namespace: env.namespace });
    await objects.delete({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: `${env.namespace}-nginx` },
    });
  },
  25 * 60_000,
);
