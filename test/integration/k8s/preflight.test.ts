/**
 * Issue 11 item 6 at the facade, against the local stack's real kube-apiserver: the pre-flight
 * (server-side dry run with strict field validation, and the ServiceAccount check) refuses what
 * the real apply would refuse, stores nothing, and names the reason.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { activityConfigOf } from '../../../src/activities';
import { preflightActivities } from '../../../src/activities/preflight';
import { loadSettings } from '../../../src/config/settings';
import { createKubeFacade } from '../../../src/k8s';
import { type AppSpec } from '../../../src/spec';
import { applyFlinkRbac } from '../../../scripts/lib/flink-rbac';
import { adminClients, testNamespace } from './support';
import { counterSpec } from '../../support/counter-spec';

const admin = adminClients();
const facade = createKubeFacade(admin);
let ns: { name: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  ns = await testNamespace(admin, 'fd-preflight');
  // Flink's ServiceAccount, as a user applies deploy/flink-rbac.yaml (HA pods run as `flink`).
  await applyFlinkRbac(facade, ns.name);
});
afterAll(async () => {
  await ns.cleanup();
});

function spec(patch: (s: AppSpec) => void = () => undefined): AppSpec {
  const s = counterSpec();
  s.namespace = ns.name;
  patch(s);
  return s;
}

const activities = () =>
  preflightActivities({
    kube: facade,
    flinkFor: () => Promise.reject(new Error('the pre-flight never asks Flink')),
    config: activityConfigOf(loadSettings({}, {})),
  });

async function refusal(s: AppSpec): Promise<ApplicationFailure> {
  const err = await new MockActivityEnvironment()
    .run(activities().preflightApplication, { spec: s, generation: 2 })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

async function storedNames(): Promise<string[]> {
  const configMaps = (await admin.core.listNamespacedConfigMap({ namespace: ns.name })).items;
  const services = (await admin.core.listNamespacedService({ namespace: ns.name })).items;
  const deployments = (await admin.apps.listNamespacedDeployment({ namespace: ns.name })).items;
  return [...configMaps, ...services, ...deployments]
    .map((o) => o.metadata?.name ?? '')
    .filter((n) => n.startsWith('counter'));
}

test('a spec the API server accepts passes the pre-flight, and nothing is stored', async () => {
  await new MockActivityEnvironment().run(activities().preflightApplication, { spec: spec(), generation: 2 });
  expect(await storedNames()).toEqual([]);
});

test('an invalid label value is refused with the API server 422, nothing stored', async () => {
  const failure = await refusal(spec((s) => (s.labels = { team: 'not a valid value!' })));
  expect(failure.type).toBe('KubernetesRefused');
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toMatch(/pre-flight of .*counter generation 2/);
  expect(failure.message).toMatch(/422/);
  expect(failure.message).toMatch(/K8S_INVALID/);
  expect(await storedNames()).toEqual([]);
});

test(
  'an invalid resource quantity (the API server answers 500 ' + '"failed to convert") is a refusal, not retried',
  async () => {
    const failure = await refusal(spec((s) => (s.taskManager.resources.ephemeralStorage = '2 potatoes')));
    expect(failure.type).toBe('KubernetesRefused');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/quantities must match/);
    expect(failure.message).toMatch(/K8S_INVALID/);
    expect(await storedNames()).toEqual([]);
  },
);

test('a ServiceAccount that does not exist is refused, naming it and what to do', async () => {
  const failure = await refusal(spec((s) => (s.serviceAccount = 'no-such-account')));
  expect(failure.type).toBe('KubernetesRefused');
  expect(failure.message).toContain(`ServiceAccount ${ns.name}/no-such-account does not exist`);
  expect(failure.message).toContain('spec.serviceAccount');
});
