/** scaleDeployment against the real kube-apiserver: replicas compared and set (its controller writing status). */
import { createKubeFacade, KubeErrorCode, type KubeFacade } from '../../../src/k8s';
import { adminClients, testDeployment, testNamespace } from './support';

const clients = adminClients();
const facade: KubeFacade = createKubeFacade(clients);
let ns: Awaited<ReturnType<typeof testNamespace>>;

beforeEach(async () => {
  ns = await testNamespace(clients, 'fd-scale');
});
afterEach(async () => {
  await ns.cleanup();
});

async function status(name: string) {
  const read = await facade.readDeploymentStatus({ namespace: ns.name, name });
  if (!read.found) throw new Error(`${name} not found`);
  return read;
}

test('sets replicas when the Deployment is as read; refuses with K8S_CONFLICT when they changed since', async () => {
  await facade.apply([testDeployment(ns.name, 'tm', { replicas: 1 })]);
  const read = await status('tm');
  expect(read.desiredReplicas).toBe(1);

  await facade.scaleDeployment({ namespace: ns.name, name: 'tm', replicas: 3, from: 1 });
  const scaled = await status('tm');
  expect(scaled.desiredReplicas).toBe(3);

  // A second writer that read before the first wrote is refused, and the count stays the first's.
  await expect(facade.scaleDeployment({ namespace: ns.name, name: 'tm', replicas: 2, from: 1 })).rejects.toMatchObject({
    code: KubeErrorCode.Conflict,
  });
  expect((await status('tm')).desiredReplicas).toBe(3);

  // The next apply of flink-deploy takes the replicas back (its field manager forces them).
  await facade.apply([testDeployment(ns.name, 'tm', { replicas: 1 })]);
  expect((await status('tm')).desiredReplicas).toBe(1);
});

test('a missing Deployment is K8S_NOT_FOUND', async () => {
  await expect(
    facade.scaleDeployment({ namespace: ns.name, name: 'none', replicas: 2, from: 1 }),
  ).rejects.toMatchObject({ code: KubeErrorCode.NotFound });
});
