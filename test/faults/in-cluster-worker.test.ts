/**
 * The worker in the cluster, end to end on the local stack (#13 §2): `helm install` of the chart; the node agent
 * runs the worker's pod from the packed tarball (image flink-deploy-worker:<version> →
 * scripts/stack/install-worker-image.sh's install, docs/node-agent.md), with in-cluster configuration from the
 * pod's ServiceAccount token and only the chart's RBAC; then the CLI alone (no worker of the harness on that task
 * queue) applies, upgrades with a savepoint and suspends the counter application through the in-cluster worker.
 * Minutes (pack and install, three Flink rollouts): in `npm run faults`.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { core, E2eEnv, eventually, readRecord, sameLocation } from '../support/e2e';
import { chartDir, helm } from '../support/helm';
import { stack } from '../support/stack';

const env = new E2eEnv('e2e-incluster');
const system = `${env.namespace}-sys`;
const release = 'fd';
let image = '';

beforeAll(async () => {
  // The "docker build": pack this checkout and install it where the node agent finds the image.
  const installed = await promisify(execFile)(
    'bash',
    [path.join(stack.root, 'scripts/stack/install-worker-image.sh')],
    {
      env: { ...process.env, FD_STACK_DIR: stack.dir },
      timeout: 600_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  image = installed.stdout.trim().split('\n').pop() ?? '';
  expect(image).toMatch(/^flink-deploy-worker:\d+\.\d+\.\d+/);
  for (const name of [env.namespace, system]) await core.createNamespace({ body: { metadata: { name } } });
}, 900_000);

afterAll(async () => {
  await helm(['uninstall', release, '--namespace', system, '--kubeconfig', stack.kubeconfig, '--wait']);
  await env.stopObserver();
  for (const name of [env.namespace, system]) await core.deleteNamespace({ name }).catch(() => undefined);
});

const title = 'helm install: the worker runs in a pod as its ServiceAccount; the CLI alone applies, upgrades, suspends';
test(
  title,
  async () => {
    const installed = await helm(
      [
        'install',
        release,
        chartDir,
        '--namespace',
        system,
        '--kubeconfig',
        stack.kubeconfig,
        '--set',
        `image.tag=${image.split(':')[1]}`,
        '--set',
        'replicas=1',
        '--set',
        `namespaces={${env.namespace}}`,
        '--set',
        `temporal.address=${stack.temporalAddress}`,
        '--set',
        `temporal.taskQueue=${env.taskQueue}`,
        // Outside a real cluster network: Flink REST through the pods' addresses (docs/helm.md §5).
        '--set',
        'worker.flinkEndpoint=endpoint-slice',
        '--set',
        'worker.extraEnv[0].name=FLINK_DEPLOY_POLL_INTERVAL,worker.extraEnv[0].value=500ms',
        // Ready only once the worker polls Temporal (/readyz): helm waits for that.
        '--wait',
        '--timeout',
        '4m',
      ],
      { timeoutMs: 300_000 },
    );
    expect({ code: installed.code, stderr: installed.stderr }).toEqual({ code: 0, stderr: '' });

    const pods = (await core.listNamespacedPod({ namespace: system })).items;
    expect(pods).toHaveLength(1);
    const pod = pods[0]!;
    expect(pod.spec?.serviceAccountName).toBe(`${release}-flink-deploy`);
    expect(pod.status?.containerStatuses?.[0]).toMatchObject({
      ready: true,
      image,
      imageID: `npm-pack://flink-deploy@${image.split(':')[1]}`,
    });
    const log = await core.readNamespacedPodLog({ name: pod.metadata!.name!, namespace: system, container: 'worker' });
    expect(log).toContain('"kubernetes":"in-cluster service account"');
    expect(log).toContain(`"taskQueue":"${env.taskQueue}"`);

    // The CLI alone: the harness runs no worker (env.worker is never started).
    expect(env.worker).toBeUndefined();
    const app = 'incluster';
    const applied = await env.cli(['apply', '-f', env.manifest(app), '--wait', '--timeout', '5m']);
    expect({ code: applied.code, stderr: applied.stderr }).toMatchObject({ code: 0 });
    const first = await readRecord(env.namespace, app);
    expect(first.status).toBe('running');

    const upgraded = await env.cli(['apply', '-f', env.manifest(app, { parallelism: 3 }), '--wait', '--timeout', '6m']);
    expect({ code: upgraded.code, stderr: upgraded.stderr }).toMatchObject({ code: 0 });
    const second = await readRecord(env.namespace, app);
    const savepoint = second.savepoints.find((s) => s.kind === 'upgrade');
    expect(second.jobId).not.toBe(first.jobId);
    expect(sameLocation(second.restoredFrom, savepoint?.location)).toBe(true);

    const suspended = await env.cli(['suspend', app, '-n', env.namespace, '--wait', '--timeout', '5m']);
    expect({ code: suspended.code, stderr: suspended.stderr }).toMatchObject({ code: 0 });
    expect((await readRecord(env.namespace, app)).status).toBe('suspended');
    await eventually(
      'pods of the app gone',
      async () =>
        (await core.listNamespacedPod({ namespace: env.namespace })).items.some((p) =>
          p.metadata?.name?.startsWith(`${app}-`),
        )
          ? undefined
          : true,
      60_000,
    );
  },
  1_500_000,
);
