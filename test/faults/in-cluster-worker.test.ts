/**
 * The worker in the cluster, end to end on the local stack (#13 §2): `helm install` of the chart; the node agent
 * runs the worker's pod from the packed tarball (image flink-deploy-worker:<version> →
 * scripts/stack/install-worker-image.sh's install, docs/node-agent.md), with in-cluster configuration from the
 * pod's ServiceAccount token and only the chart's RBAC; then the CLI alone (no worker of the harness on that task
 * queue) applies, upgrades with a savepoint (the counter continues from it) and suspends the counter application
 * through the in-cluster worker. The pod's own projected token (the files the node agent wrote, as a kubelet does)
 * is allowed what the chart's Role allows and refused the rest; `helm uninstall` leaves nothing of the chart.
 * About 7 minutes (pack and install 1.5, three Flink rollouts): in `npm run faults`, not `npm test`.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import {
  apps,
  continuity,
  core,
  countsByKey,
  E2eEnv,
  eventually,
  newCountsOfEveryKey,
  readRecord,
  sameLocation,
} from '../support/e2e';
import { workerImageDir } from '../../src/local/node-agent/worker-image';
import { helm } from '../support/helm';
import { stack } from '../support/stack';

const env = new E2eEnv('e2e-incluster');
const system = `${env.namespace}-sys`;
const release = 'fd';
const rbac = (() => {
  const config = new k8s.KubeConfig();
  config.loadFromFile(stack.kubeconfig);
  return config.makeApiClient(k8s.RbacAuthorizationV1Api);
})();
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
  // The test uninstalls (and checks that); this is for a test that failed before.
  await helm(['uninstall', release, '--namespace', system, '--kubeconfig', stack.kubeconfig, '--wait']);
  await env.stopObserver();
  for (const name of [env.namespace, system]) await core.deleteNamespace({ name }).catch(() => undefined);
});

/** The HTTP status of a refused Kubernetes call (client-node's ApiException), or 200 when it answered. */
async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}

/** A CoreV1 client with exactly what the pod has: the token, CA and namespace files the node agent projected. */
function podCredentials(podName: string, volume: string) {
  const dir = path.join(stack.dir, 'node', 'pods', `${system}_${podName}`, 'volumes', volume);
  const stackConfig = new k8s.KubeConfig();
  stackConfig.loadFromFile(stack.kubeconfig);
  const config = new k8s.KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'pod', server: stackConfig.getCurrentCluster()!.server, caFile: path.join(dir, 'ca.crt') }],
    users: [{ name: 'pod', token: readFileSync(path.join(dir, 'token'), 'utf8') }],
    contexts: [{ name: 'pod', cluster: 'pod', user: 'pod' }],
    currentContext: 'pod',
  });
  return { namespace: readFileSync(path.join(dir, 'namespace'), 'utf8'), core: config.makeApiClient(k8s.CoreV1Api) };
}

/** Identities of the pollers of the task queue (workflow and activity tasks). */
async function pollersOf(taskQueue: string): Promise<string[]> {
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    const types = [
      temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    ];
    const answers = await Promise.all(
      types.map((taskQueueType) =>
        connection.workflowService.describeTaskQueue({
          namespace: 'default',
          taskQueue: { name: taskQueue },
          taskQueueType,
        }),
      ),
    );
    return answers.flatMap((a) => (a.pollers ?? []).map((p) => p.identity ?? ''));
  } finally {
    await connection.close();
  }
}

const title = 'helm install: the worker runs in a pod as its ServiceAccount; the CLI alone applies, upgrades, suspends';
test(
  title,
  async () => {
    const installed = await helm(
      [
        'install',
        release,
        // The chart as the packed tarball ships it (package.json `files`), as a user of the package installs it.
        path.join(
          workerImageDir(path.join(stack.dir, 'images'), image.split(':')[1]!),
          'lib/node_modules/flink-deploy/deploy/helm/flink-deploy',
        ),
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
    expect(pod.spec?.containers[0]?.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(pod.status?.containerStatuses?.[0]).toMatchObject({
      ready: true,
      image,
      imageID: `npm-pack://flink-deploy@${image.split(':')[1]}`,
    });
    const log = await core.readNamespacedPodLog({ name: pod.metadata!.name!, namespace: system, container: 'worker' });
    expect(log).toContain('"kubernetes":"in-cluster service account"');
    expect(log).toContain(`"taskQueue":"${env.taskQueue}"`);

    // The pod's credentials: the projected ServiceAccount volume the API server added, as files on this node.
    const tokenVolume = pod.spec?.volumes?.find((v) => v.projected?.sources?.some((src) => src.serviceAccountToken));
    expect(tokenVolume?.name).toMatch(/^kube-api-access-/);
    const asPod = podCredentials(pod.metadata!.name!, tokenVolume!.name);
    expect(asPod.namespace).toBe(system);
    // Only the chart's RBAC: what its Role grants in the application namespace, and nothing else.
    expect(await statusOf(asPod.core.listNamespacedPod({ namespace: env.namespace }))).toBe(200);
    expect(await statusOf(asPod.core.listNamespacedSecret({ namespace: env.namespace }))).toBe(403);
    expect(await statusOf(asPod.core.listNamespacedPod({ namespace: 'default' }))).toBe(403);
    expect(await statusOf(asPod.core.deleteNamespace({ name: env.namespace }))).toBe(403);

    // The CLI alone: the harness runs no worker (env.worker is never started); the pod is the queue's only poller.
    expect(env.worker).toBeUndefined();
    const pollers = await eventually('the pod polling both task types', async () => {
      const found = await pollersOf(env.taskQueue);
      return found.length >= 2 ? found : undefined;
    });
    expect(new Set(pollers).size).toBe(1);
    const app = 'incluster';
    const [oldOut, newOut] = [env.outputDir(app, 'gen-1'), env.outputDir(app, 'gen-2')];
    const applied = await env.cli(['apply', '-f', env.manifest(app, { output: oldOut }), '--wait', '--timeout', '5m']);
    expect({ code: applied.code, stderr: applied.stderr }).toMatchObject({ code: 0 });
    const first = await readRecord(env.namespace, app);
    expect(first.status).toBe('running');
    await newCountsOfEveryKey(oldOut);

    const upgraded = await env.cli([
      'apply',
      '-f',
      env.manifest(app, { parallelism: 3, output: newOut }),
      '--wait',
      '--timeout',
      '6m',
    ]);
    expect({ code: upgraded.code, stderr: upgraded.stderr }).toMatchObject({ code: 0 });
    const second = await readRecord(env.namespace, app);
    const savepoint = second.savepoints.find((s) => s.kind === 'upgrade');
    expect(second.jobId).not.toBe(first.jobId);
    expect(sameLocation(second.restoredFrom, savepoint?.location)).toBe(true);
    // State continued: the new job's first count of every key is the old job's last + 1.
    const keys = continuity(countsByKey(oldOut), await newCountsOfEveryKey(newOut));
    expect(keys).toEqual(keys.map((k) => ({ ...k, firstNew: k.lastOld! + 1 })));

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

    // Uninstall: nothing of the chart is left, in the release's namespace or the application's.
    const uninstalled = await helm(
      ['uninstall', release, '--namespace', system, '--kubeconfig', stack.kubeconfig, '--wait', '--timeout', '3m'],
      { timeoutMs: 200_000 },
    );
    expect({ code: uninstalled.code, stderr: uninstalled.stderr }).toEqual({ code: 0, stderr: '' });
    const selector = `app.kubernetes.io/instance=${release}`;
    await eventually('the worker pod gone', async () =>
      (await core.listNamespacedPod({ namespace: system, labelSelector: selector })).items.length === 0
        ? true
        : undefined,
    );
    const names = (kind: string, list: { items: Array<{ metadata?: { name?: string } }> }) =>
      list.items.map((o) => `${kind}/${o.metadata?.name ?? ''}`);
    const left = [
      ...names('Deployment', await apps.listNamespacedDeployment({ namespace: system, labelSelector: selector })),
      ...names('Service', await core.listNamespacedService({ namespace: system, labelSelector: selector })),
      ...names(
        'ServiceAccount',
        await core.listNamespacedServiceAccount({ namespace: system, labelSelector: selector }),
      ),
      ...names(
        'ServiceAccount',
        await core.listNamespacedServiceAccount({ namespace: env.namespace, labelSelector: selector }),
      ),
      ...names('Role', await rbac.listNamespacedRole({ namespace: env.namespace, labelSelector: selector })),
      ...names(
        'RoleBinding',
        await rbac.listNamespacedRoleBinding({ namespace: env.namespace, labelSelector: selector }),
      ),
    ];
    expect(left).toEqual([]);
  },
  1_500_000,
);
