/**
 * Issue 11 item 20 on the whole local stack: `flink-deploy delete` takes a final savepoint
 * (on disk, reported), then leaves no pod, Deployment, ConfigMap (config, HA, record) or
 * Service of the application, and no savepoint schedule.
 */
import { existsSync } from 'node:fs';
import { apps, core, E2eEnv, eventually, localPathOf, podNames, readRecord } from '../support/e2e';

const env = new E2eEnv('e2e-delete');
beforeAll(() => env.setUp());
afterAll(() => env.tearDown());

test(
  'delete: final savepoint kept on disk and reported; no pod, Deployment, ConfigMap, Service, schedule or ' +
    'record left',
  async () => {
    const app = 'gone';
    const deploy = await env.cli(['apply', '-f', env.manifest(app, { windowSeconds: 4 }), '--wait', '--timeout', '5m']);
    expect(deploy.code).toBe(0);
    const jobId = (await readRecord(env.namespace, app)).jobId;
    const schedule = await env.cli(['schedule', 'savepoints', app, '-n', env.namespace, '--every', '1h']);
    expect(schedule.code).toBe(0);

    const deleted = await env.cli(['delete', app, '-n', env.namespace, '--wait', '--timeout', '5m', '-o', 'json']);

    expect({ code: deleted.code, stderr: deleted.stderr }).toMatchObject({ code: 0 });
    const report = JSON.parse(deleted.stdout) as {
      operation: string;
      outcome: string;
      savepoint?: string;
      message: string;
    };
    expect(report).toMatchObject({ operation: 'delete', outcome: 'succeeded' });
    expect(deleted.stderr).toContain('deleted the savepoint schedule');
    const savepoint = report.savepoint!;
    expect(savepoint).toContain(`savepoint-${jobId!.slice(0, 6)}`);
    expect(existsSync(localPathOf(savepoint))).toBe(true);
    expect(report.message).toContain(`final savepoint ${savepoint} is kept`);

    // Nothing of the application is left (the record went last).
    await eventually('pods gone', async () =>
      (await podNames(env.namespace)).some((p) => p.startsWith(`${app}-`)) ? undefined : true,
    );
    const left = async (list: Promise<{ items: { metadata?: { name?: string } }[] }>) =>
      (await list).items.map((o) => o.metadata?.name ?? '').filter((n) => n === app || n.startsWith(`${app}-`));
    expect(await left(apps.listNamespacedDeployment({ namespace: env.namespace }))).toEqual([]);
    expect(await left(core.listNamespacedConfigMap({ namespace: env.namespace }))).toEqual([]);
    expect(await left(core.listNamespacedService({ namespace: env.namespace }))).toEqual([]);
    const status = await env.cli(['status', app, '-n', env.namespace]);
    expect(status.stdout + status.stderr).not.toMatch(/running/);
    const schedules = await env.cli(['schedule', 'list', '-o', 'json']);
    expect(schedules.stdout).not.toContain(`${env.namespace}/${app}`);
  },
);
