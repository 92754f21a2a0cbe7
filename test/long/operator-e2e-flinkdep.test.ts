/**
 * The Apache operator's e2e-flinkdep-cr.yaml, as the operator's own e2e scripts use it: its placeholder
 * STREAMING_EXAMPLES_JAR_URL filled with the example jar's URL (flink-examples-streaming 1.20.0's StateMachineExample,
 * served by a loopback stand-in for Maven Central: no network here), in the test's namespace. Its
 * PersistentVolumeClaim and IngressClass are kubectl's (created through the Kubernetes API); its FlinkDeployment is
 * applied with flink-deploy. Each pod's init container (busybox:1.35.0 — Debian's busybox-static on this node) fetches
 * the jar with `wget` into the emptyDir the Flink container mounts as /opt/flink/usrlib; the application (Flink 1.20,
 * `mode: native` run standalone and said so, Kubernetes HA and its state on the claim, an Ingress) runs the job from
 * that jar at parallelism 2 (first applied with a jar URL that does not exist: the apply fails as a crash loop of the
 * init container, and the fixed manifest's apply deploys over it). Suspended (last-state: its newest checkpoint, on
 * the claim) and resumed, it restores from THAT checkpoint.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createKubeClients, loadKubeConfig } from '../../src/k8s';
import { stack } from '../support/stack';
import { E2eEnv, flinkOf, localPathOf, readRecord } from '../support/e2e';
import {
  CentralMirror,
  createKubectlObjects,
  exampleDocuments,
  STREAMING_EXAMPLES_JAR,
  STREAMING_EXAMPLES_PATH,
} from '../support/operator-example';

const env = new E2eEnv('long-operator-e2e-flinkdep');
const mirror = new CentralMirror();
const clients = createKubeClients(loadKubeConfig({ path: stack.kubeconfig }));
const app = 'flink-example-statemachine';
let jarUrl = '';

beforeAll(async () => {
  await mirror.start();
  jarUrl = `${mirror.root}${STREAMING_EXAMPLES_PATH}`;
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
  "the operator's e2e application example: init containers fetch the jar, the job runs, resumes from its checkpoint",
  async () => {
    expect(existsSync(STREAMING_EXAMPLES_JAR)).toBe(true);
    const example = exampleDocuments({
      fixture: 'e2e-flinkdep-cr.yaml',
      env,
      placeholders: { STREAMING_EXAMPLES_JAR_URL: jarUrl },
    });
    expect(example.flinkKinds).toEqual(['FlinkDeployment']);
    expect(example.kubectls.map((d) => d.kind)).toEqual(['PersistentVolumeClaim', 'IngressClass']);
    await createKubectlObjects({ clients, objects: example.kubectls, namespace: env.namespace });

    // First with a jar URL that does not exist: the init containers fail and are restarted by the kubelet without end;
    // the apply fails as soon as that is a crash loop (DeploymentUnhealthy naming the init container, not NotStable
    // at the stability deadline), and status names the command that leads on.
    const wrong = exampleDocuments({
      fixture: 'e2e-flinkdep-cr.yaml',
      env,
      placeholders: { STREAMING_EXAMPLES_JAR_URL: `${jarUrl}.missing` },
    });
    const failed = await env.cli(['apply', '-f', wrong.flink, '--wait', '--timeout', '15m', '--output', 'json']);
    const failure = JSON.parse(failed.stdout) as { status: string; failureType?: string; message?: string };
    expect({ code: failed.code, status: failure.status, type: failure.failureType }).toEqual({
      code: 1,
      status: 'failed',
      type: 'DeploymentUnhealthy',
    });
    expect(failure.message).toMatch(/keeps crashing: CrashLoopBackOff in init:artifacts-fetcher \(last exit code 1/);
    expect(mirror.asked).toContain(`/maven2/${STREAMING_EXAMPLES_PATH}.missing`);
    const status = await env.cli(['status', app, '-n', env.namespace, '--output', 'json']);
    const next = (JSON.parse(status.stdout) as { nextStep: { command: string; why: string } }).nextStep;
    expect(next.command).toBe('flink-deploy apply -f <fixed manifest>');

    // The fixed manifest: its apply deploys over the version that never came up, and says so.
    const fixed = exampleDocuments({
      fixture: 'e2e-flinkdep-cr.yaml',
      env,
      placeholders: { STREAMING_EXAMPLES_JAR_URL: jarUrl },
    });
    const applied = await env.cli(['apply', '-f', fixed.flink, '--wait', '--timeout', '15m']);
    expect(ok(applied)).toEqual({ code: 0, err: '' });
    expect(applied.stdout + applied.stderr).toMatch(/spec\.mode/);
    expect(applied.stdout + applied.stderr).toContain('the last operation never finished');

    const record = await readRecord(env.namespace, app);
    expect(record.status).toBe('running');
    const flink = await flinkOf(env.namespace, app);
    expect((await flink.overview())['flink-version']).toMatch(/^1\.20\./);
    const details = await flink.jobDetails(record.jobId!);
    expect(details.state).toBe('RUNNING');
    expect(details.name).toMatch(/State machine/i);
    expect(Math.max(...details.vertices.map((v) => v.parallelism))).toBe(2);

    // Every pod (JobManager, TaskManager) ran its init container to completion before Flink: busybox fetched the jar.
    const pods = (await clients.core.listNamespacedPod({ namespace: env.namespace })).items.filter(
      (p) => p.status?.phase === 'Running',
    );
    expect(pods.length).toBeGreaterThanOrEqual(2);
    for (const pod of pods) {
      const init = pod.status?.initContainerStatuses?.[0];
      expect({
        pod: pod.metadata?.name,
        name: init?.name,
        image: init?.image,
        state: init?.state?.terminated?.reason,
      }).toEqual({ pod: pod.metadata?.name, name: 'artifacts-fetcher', image: 'busybox:1.35.0', state: 'Completed' });
    }
    expect(mirror.asked.filter((p) => p === `/maven2/${STREAMING_EXAMPLES_PATH}`).length).toBeGreaterThanOrEqual(
      pods.length,
    );
    // The jar Flink runs is THAT one: each pod's emptyDir holds the mirror's bytes.
    const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
    for (const pod of pods) {
      const jar = path.join(
        stack.dir,
        'node',
        'pods',
        `${env.namespace}_${pod.metadata?.name}`,
        'volumes',
        'flink-artifact',
        'myjob.jar',
      );
      expect({ jar, sha: sha(jar) }).toEqual({ jar, sha: sha(STREAMING_EXAMPLES_JAR) });
    }

    // Suspended: its upgradeMode last-state secures the newest checkpoint (on the claim), and the resumed job
    // restores from THAT checkpoint.
    const suspended = await env.cli(['suspend', app, '-n', env.namespace, '--wait', '--timeout', '5m']);
    expect(ok(suspended)).toEqual({ code: 0, err: '' });
    const secured = (await readRecord(env.namespace, app)).savepoints.filter((s) => s.jobId === record.jobId).at(-1);
    expect(secured?.kind).toBe('checkpoint');
    const claim = path.join(stack.dir, 'node', 'pvc', env.namespace, app);
    const securedPath = localPathOf(secured!.location);
    expect(securedPath.startsWith(`${claim}/flink-cp/${record.jobId}/chk-`)).toBe(true);
    expect(existsSync(path.join(securedPath, '_metadata'))).toBe(true);
    const before = mirror.asked.length;
    const resumed = await env.cli(['resume', app, '-n', env.namespace, '--wait', '--timeout', '10m']);
    expect(ok(resumed)).toEqual({ code: 0, err: '' });
    // The new pods fetched the jar again (a new emptyDir each).
    expect(mirror.asked.length).toBeGreaterThan(before);
    const after = await readRecord(env.namespace, app);
    expect(after.jobId).not.toBe(record.jobId);
    const resumedFlink = await flinkOf(env.namespace, app);
    expect((await resumedFlink.jobDetails(after.jobId!)).state).toBe('RUNNING');
    const restored = (await resumedFlink.checkpoints(after.jobId!)).latestRestored;
    expect(localPathOf(restored?.externalPath ?? '').replace(/\/+$/, '')).toBe(securedPath.replace(/\/+$/, ''));

    const deleted = await env.cli(['delete', app, '-n', env.namespace, '--wait', '--timeout', '5m']);
    expect(ok(deleted)).toEqual({ code: 0, err: '' });
  },
  25 * 60_000,
);
