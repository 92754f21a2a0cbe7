/**
 * `schedule savepoints` against the stack's real Temporal and kube-apiserver. A schedule may come before the first
 * deploy, so one for an application with no deployed state is made, and says that each run will skip its savepoint
 * (a misspelt name would otherwise skip every run in silence).
 */
import { randomUUID } from 'node:crypto';
import { createKubeFacade, emptyRecord } from '../../../src/k8s';
import type { AppSpec } from '../../../src/spec/types';
import { stack } from '../../support/stack';
import { adminClients, testNamespace } from '../k8s/support';
import { cliEnv, runCli } from './run-cli';

const clients = adminClients();
const env = cliEnv({ KUBECONFIG: stack.kubeconfig });
let ns: Awaited<ReturnType<typeof testNamespace>>;

beforeAll(async () => {
  ns = await testNamespace(clients, 'fd-schedule');
});
afterAll(async () => {
  await ns.cleanup();
});

async function schedule(
  app: string,
  extraEnv = env,
): Promise<{ code: number | null; json: Record<string, unknown>; stderr: string }> {
  const run = await runCli(['schedule', 'savepoints', app, '-n', ns.name, '--every', '1h', '-o', 'json'], extraEnv);
  await runCli(['schedule', 'delete', app, '-n', ns.name], env);
  return { code: run.code, json: JSON.parse(run.stdout || '{}') as Record<string, unknown>, stderr: run.stderr };
}

test('never deployed: the schedule is created, with a note that each run skips its savepoint', async () => {
  const app = `never-${randomUUID().slice(0, 8)}`;
  const run = await schedule(app);
  expect(run.code).toBe(0);
  expect(run.json).toMatchObject({ result: 'created', deployed: false });
  expect(run.stderr).toContain(`note: ${ns.name}/${app} has no deployed state (never deployed, or deleted)`);
});

test('deployed: no note; Kubernetes not readable: the schedule is still made, without the check', async () => {
  const app = `deployed-${randomUUID().slice(0, 8)}`;
  await createKubeFacade(clients).records.createRecord(ns.name, {
    ...emptyRecord<AppSpec>(ns.name, app),
    lastAppliedSpec: { namespace: ns.name, name: app } as AppSpec,
  });
  const deployed = await schedule(app);
  expect(deployed.code).toBe(0);
  expect(deployed.json).toMatchObject({ result: 'created', deployed: true });
  expect(deployed.stderr).not.toContain('note:');

  const unreachable = await schedule(app, { ...env, KUBECONFIG: `${stack.root}/no-such-kubeconfig` });
  expect(unreachable.code).toBe(0);
  expect(unreachable.json.result).toBe('created');
  expect(unreachable.json).not.toHaveProperty('deployed');
  expect(unreachable.stderr).not.toContain('note:');
});
