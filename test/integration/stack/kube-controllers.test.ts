import * as k8s from '@kubernetes/client-node';
import { stack } from '../../support/stack';
import { eventually as pollEventually } from '../../support/eventually';

const kc = new k8s.KubeConfig();
kc.loadFromFile(stack.kubeconfig);
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const namespace = `stack-proof-${Date.now().toString(36)}`;

const eventually = <T>(what: string, probe: () => Promise<T | undefined>) =>
  pollEventually(what, probe, { tolerateErrors: false });

beforeAll(async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
});
afterAll(async () => {
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

test(
  'a Deployment created through @kubernetes/client-node becomes a ReplicaSet and Pods made by the real ' +
    'controller-manager',
  async () => {
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'proof' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'proof' } },
          template: {
            metadata: { labels: { app: 'proof' } },
            spec: { containers: [{ name: 'main', image: 'flink:2.3' }] },
          },
        },
      },
    });
    const replicaSet = await eventually('a ReplicaSet', async () => {
      const list = await apps.listNamespacedReplicaSet({ namespace });
      return list.items.find((rs) =>
        rs.metadata?.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === 'proof'),
      );
    });
    const pods = await eventually('two pods', async () => {
      const list = await core.listNamespacedPod({ namespace });
      const owned = list.items.filter((p) =>
        p.metadata?.ownerReferences?.some((o) => o.kind === 'ReplicaSet' && o.name === replicaSet.metadata?.name),
      );
      return owned.length === 2 ? owned : undefined;
    });
    expect(pods.map((p) => p.metadata?.generateName)).toEqual([
      `${replicaSet.metadata?.name}-`,
      `${replicaSet.metadata?.name}-`,
    ]);
    // The service-account controller of the controller-manager made the namespace's default account too.
    const accounts = await eventually('the default ServiceAccount', async () => {
      const list = await core.listNamespacedServiceAccount({ namespace });
      return list.items.some((sa) => sa.metadata?.name === 'default') ? list : undefined;
    });
    expect(accounts.items.map((a) => a.metadata?.name)).toContain('default');
  },
);
