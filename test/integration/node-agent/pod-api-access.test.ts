/**
 * A pod reaches the API server as its ServiceAccount, and nothing more: code in the pod reads
 * the token, CA and namespace at /var/run/secrets/kubernetes.io/serviceaccount and the
 * address from KUBERNETES_SERVICE_HOST/PORT, authenticates as
 * system:serviceaccount:<ns>:<sa>, may read what its Role grants and is refused the rest.
 * Its output is read with the API's pod log endpoint (what `kubectl logs` calls, proxied to
 * the node agent). The token is bound to the pod: once the pod is deleted it is refused.
 * A container that fails its livenessProbe is killed and restarted. Flink's Kubernetes HA
 * (fabric8 inside the JobManager) finds the token, CA and API server the same way.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { stack } from '../../support/stack';
import { createNamespace, deleteNamespace, eventually, kube, podEvents, podWhere } from './cluster';

let namespace = '';
const config = new k8s.KubeConfig();
config.loadFromFile(stack.kubeconfig);
const rbac = config.makeApiClient(k8s.RbacAuthorizationV1Api);
const authn = config.makeApiClient(k8s.AuthenticationV1Api);

beforeAll(async () => {
  namespace = await createNamespace('node-agent-sa');
});
afterAll(async () => {
  await deleteNamespace(namespace);
});

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The shell script the container runs: three calls to the API server, each result on a marked line. */
const script = [
  'api="https://${KUBERNETES_SERVICE_HOST}:${KUBERNETES_SERVICE_PORT}"',
  `token="$(cat ${SA_DIR}/token)"`,
  `ca=${SA_DIR}/ca.crt`,
  `ns="$(cat ${SA_DIR}/namespace)"`,
  'call() { curl -s --cacert "$ca" -H "Authorization: Bearer $token" -H "Content-Type: application/json" "$@"; }',
  'echo "WHOAMI $(call -X POST -d \'{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}\' ' +
    '$api/apis/authentication.k8s.io/v1/selfsubjectreviews | tr -d "\\n")"',
  'echo "CONFIGMAPS $(call -o /dev/null -w "%{http_code}" $api/api/v1/namespaces/$ns/configmaps)"',
  'echo "SECRETS $(call -o /dev/null -w "%{http_code}" $api/api/v1/namespaces/$ns/secrets)"',
  'exec sleep 3600',
].join('\n');

function line(log: string, marker: string): string | undefined {
  return log
    .split('\n')
    .find((l) => l.startsWith(`${marker} `))
    ?.slice(marker.length + 1);
}

test('a pod authenticates as its ServiceAccount, gets what its Role grants and is refused the rest', async () => {
  await kube.core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'reader' } } });
  await rbac.createNamespacedRole({
    namespace,
    body: {
      metadata: { name: 'configmap-reader' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: 'reader' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmap-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace }],
    },
  });
  await kube.core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name: 'caller', labels: { app: 'caller' } },
      spec: {
        serviceAccountName: 'reader',
        terminationGracePeriodSeconds: 1,
        containers: [{ name: 'main', image: 'flink:2.3', command: ['bash', '-c', script] }],
      },
    },
  });
  const pod = await podWhere({
    namespace,
    labelSelector: 'app=caller',
    what: 'the caller running',
    ok: (p) => p.status?.containerStatuses?.[0]?.state?.running !== undefined,
  });
  // The API server's ServiceAccount admission added the kube-api-access volume the node fills.
  expect(pod.spec?.containers[0]?.volumeMounts?.map((m) => m.mountPath)).toContain(SA_DIR);

  const log = await eventually('the three answers in the pod log (GET pods/log)', async () => {
    const text = await kube.core.readNamespacedPodLog({ name: 'caller', namespace, container: 'main' });
    return line(text, 'SECRETS') ? text : undefined;
  });
  const whoami = JSON.parse(line(log, 'WHOAMI') ?? '{}') as { status?: { userInfo?: { username?: string } } };
  expect(whoami.status?.userInfo?.username).toBe(`system:serviceaccount:${namespace}:reader`);
  expect(line(log, 'CONFIGMAPS')).toBe('200');
  expect(line(log, 'SECRETS')).toBe('403');
  const tail = await kube.core.readNamespacedPodLog({ name: 'caller', namespace, container: 'main', tailLines: 1 });
  expect(tail).toMatch(/^SECRETS 403\n?$/);

  // The token on the node is bound to the pod: valid now, refused once the pod is gone.
  const volume = pod.spec?.volumes?.find((v) => v.projected?.sources?.some((s) => s.serviceAccountToken));
  const tokenFile = path.join(stack.dir, 'node', 'pods', `${namespace}_caller`, 'volumes', volume?.name ?? '', 'token');
  const token = fs.readFileSync(tokenFile, 'utf8');
  const review = async () =>
    (await authn.createTokenReview({ body: { spec: { token } } })).status?.authenticated ?? false;
  expect(await review()).toBe(true);
  await kube.core.deleteNamespacedPod({ name: 'caller', namespace });
  await eventually('the pod to be gone', async () =>
    (await kube.core.listNamespacedPod({ namespace, labelSelector: 'app=caller' })).items.length === 0
      ? true
      : undefined,
  );
  // The API server checks the bound pod through its informer cache: a moment behind.
  await eventually(
    'the token of the deleted pod to be refused',
    async () => ((await review()) ? undefined : true),
    30_000,
  );
});

test('a container failing its livenessProbe is killed and restarted', async () => {
  await kube.core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name: 'unhealthy', labels: { app: 'unhealthy' } },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: 'main',
            image: 'flink:2.3',
            command: ['bash', '-c', 'echo started; exec sleep 3600'],
            livenessProbe: { exec: { command: ['false'] }, periodSeconds: 1, failureThreshold: 2 },
          },
        ],
      },
    },
  });
  const restarted = await podWhere({
    namespace,
    labelSelector: 'app=unhealthy',
    what: 'a restart after failed liveness probes',
    ok: (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1,
    timeoutMs: 60_000,
  });
  expect(restarted.status?.containerStatuses?.[0]?.lastState?.terminated?.reason).toBe('Error');
  const events = (await podEvents(namespace, 'unhealthy')).map((e) => `${e.reason}: ${e.message}`);
  expect(events).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^Unhealthy: Liveness probe failed/),
      'Killing: Container main failed liveness probe, will be restarted',
    ]),
  );
  const previous = await kube.core.readNamespacedPodLog({ name: 'unhealthy', namespace, previous: true });
  expect(previous).toBe('started\n');
});

test("Flink's Kubernetes HA services reach the API server as the pod's ServiceAccount", async () => {
  await kube.core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'flink' } } });
  await rbac.createNamespacedRole({
    namespace,
    body: {
      metadata: { name: 'flink-ha' },
      rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch', 'create', 'update', 'delete'] },
      ],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: 'flink-ha' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'flink-ha' },
      subjects: [{ kind: 'ServiceAccount', name: 'flink', namespace }],
    },
  });
  const config = [
    'jobmanager.rpc.address: ha',
    'high-availability.type: kubernetes',
    'high-availability.storageDir: file:///flink-data/ha',
    'kubernetes.cluster-id: ha-check',
    `kubernetes.namespace: ${namespace}`,
  ].join('\n');
  await kube.core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: 'ha-config' }, data: { 'config.yaml': config } },
  });
  await kube.core.createNamespacedService({
    namespace,
    body: { metadata: { name: 'ha' }, spec: { selector: { app: 'ha' }, ports: [{ name: 'rpc', port: 6123 }] } },
  });
  await kube.core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name: 'ha-jobmanager', labels: { app: 'ha' } },
      spec: {
        serviceAccountName: 'flink',
        terminationGracePeriodSeconds: 5,
        volumes: [
          { name: 'conf', configMap: { name: 'ha-config' } },
          { name: 'data', hostPath: { path: `/flink-data/${namespace}/ha`, type: 'DirectoryOrCreate' } },
        ],
        containers: [
          {
            name: 'main',
            image: 'flink:2.3',
            args: ['jobmanager'],
            volumeMounts: [
              { name: 'conf', mountPath: '/opt/flink/conf' },
              { name: 'data', mountPath: '/flink-data' },
            ],
          },
        ],
      },
    },
  });
  // The leader ConfigMap is written by fabric8 inside the JobManager, with the pod's token.
  const leader = await eventually('the leader ConfigMap of Flink HA', async () => {
    const found = await kube.core
      .readNamespacedConfigMap({ name: 'ha-check-cluster-config-map', namespace })
      .catch(() => undefined);
    return found?.metadata?.annotations?.['control-plane.alpha.kubernetes.io/leader'];
  });
  expect(JSON.parse(leader)).toMatchObject({ holderIdentity: expect.any(String) });
});
