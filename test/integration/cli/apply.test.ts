/**
 * `apply` against the stack's real Temporal dev server with NO worker on the task queue: the
 * workflow starts and stays open, so timeouts, the business-key lock and Ctrl-C are observable.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { fleetWorkflowId } from '../../../src/contract/fleet';
import { operationWorkflowId } from '../../../src/contract/ids';
import { stack } from '../../support/stack';
import { cliEnv, runCli, startCli, until, writeManifest } from './run-cli';

let connection: Connection;
let client: Client;
const started: string[] = [];
const taskQueue = `cli-test-${randomUUID()}`;
const env = cliEnv({ FLINK_DEPLOY_TASK_QUEUE: taskQueue, FLINK_DEPLOY_POLL_INTERVAL: '500ms' });

function appName(): string {
  return `cli-${randomUUID().slice(0, 8)}`;
}

async function statusOf(name: string): Promise<string | undefined> {
  try {
    return (await client.workflow.getHandle(operationWorkflowId({ namespace: 'default', name })).describe()).status
      .name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

beforeAll(async () => {
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection });
});

afterAll(async () => {
  for (const name of started) {
    await client.workflow
      .getHandle(operationWorkflowId({ namespace: 'default', name }))
      .terminate('cli test cleanup')
      .catch(() => undefined);
  }
  await connection.close();
});

test('apply of an invalid spec exits 2 and starts nothing', async () => {
  const name = appName();
  const file = writeManifest(name, (yaml) => yaml.replace('upgradeMode: savepoint', 'upgradeMode: sometimes'));
  const run = await runCli(['apply', '-f', file, '--timeout', '5s', '-o', 'json'], env);
  expect(run.code).toBe(2);
  const document = JSON.parse(run.stdout) as { valid: boolean; errors: { path: string }[]; error: { code: string } };
  expect(document.error.code).toBe('InvalidSpec');
  expect(document.errors.map((e) => e.path)).toContain('spec.job.upgradeMode');
  expect(run.stderr).toContain('Nothing was started');
  expect(await statusOf(name)).toBeUndefined();
});

test('a bad setting exits 2 naming the setting and its env var, before touching Temporal', async () => {
  const name = appName();
  const run = await runCli(['apply', '-f', writeManifest(name)], { ...env, FLINK_DEPLOY_UI_URL: 'not a url' });
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('ui.url');
  expect(run.stderr).toContain('FLINK_DEPLOY_UI_URL');
  expect(await statusOf(name)).toBeUndefined();
});

test('apply with no worker and --timeout 5s exits 4, says how to follow it, and the operation goes on', async () => {
  const name = appName();
  started.push(name);
  const run = await runCli(['apply', '-f', writeManifest(name), '--wait', '--timeout', '5s', '-o', 'json'], env);
  expect(run.code).toBe(4);
  expect(run.stderr).toContain(`follow it with: flink-deploy follow ${name} -n default`);
  const document = JSON.parse(run.stdout) as {
    workflowId: string;
    runId: string;
    url: string;
    timedOut: boolean;
    status: string;
    exitCode: number;
  };
  expect(document).toMatchObject({
    workflowId: `flink-deploy/default/${name}`,
    timedOut: true,
    status: 'running',
    exitCode: 4,
  });
  expect(document.url).toBe(
    `${stack.temporalUiUrl}/namespaces/default/workflows/` +
      `${encodeURIComponent(`flink-deploy/default/${name}`)}/${document.runId}`,
  );
  expect(run.stderr).toContain(document.url);
  expect(await statusOf(name)).toBe('RUNNING');

  // the run carries the search attributes and the static summary the Web UI shows
  const described = await client.workflow.getHandle(document.workflowId).describe();
  expect(described.taskQueue).toBe(taskQueue);
  expect(described.type).toBe('apply');
  const attributes = Object.fromEntries(
    described.typedSearchAttributes.getAll().map((pair) => [pair.key.name, pair.value]),
  );
  expect(attributes).toMatchObject({ FlinkApplication: name, FlinkNamespace: 'default', FlinkOperation: 'apply' });
  expect(await described.staticSummary()).toContain(`apply ${name} (savepoint)`);

  // a second apply while the first is open: exit 5, with the open run's link
  const second = await runCli(['apply', '-f', writeManifest(name), '--wait', '--timeout', '5s'], env);
  expect(second.code).toBe(5);
  expect(second.stderr).toContain('another operation is in progress');
  expect(second.stderr).toContain(document.url);

  // with --queue it waits for the open one; the timeout ends the wait and nothing new starts
  const queued = await runCli(['apply', '-f', writeManifest(name), '--wait', '--queue', '--timeout', '2s'], env);
  expect(queued.code).toBe(4);
  expect(queued.stderr).toContain('nothing was started');
  expect((await client.workflow.getHandle(document.workflowId).describe()).runId).toBe(document.runId);
});

test('waiting with no worker on the task queue says so once, naming the queue and the way on', async () => {
  const name = appName();
  started.push(name);
  const run = await runCli(['apply', '-f', writeManifest(name), '--wait', '--timeout', '30s'], env);
  expect(run.code).toBe(4);
  const notices = run.stderr.split('\n').filter((line) => line.startsWith('no worker has picked the operation up'));
  expect(notices).toHaveLength(1);
  expect(notices[0]).toContain(`task queue ${taskQueue} (Temporal namespace default)`);
  expect(notices[0]).toContain('`flink-deploy worker`');
  expect(await statusOf(name)).toBe('RUNNING');
}, 180_000);

test('a fleet apply with no worker says so once too, naming the queue, and the rollout stays open', async () => {
  const rolloutId = `noworker-${randomUUID().slice(0, 8)}`;
  const names = [appName(), appName()];
  const run = await runCli(
    ['apply', ...names.flatMap((name) => ['-f', writeManifest(name)]), '--rollout-id', rolloutId, '--timeout', '40s'],
    { ...env, KUBECONFIG: stack.kubeconfig },
  );
  const rollout = client.workflow.getHandle(fleetWorkflowId(rolloutId));
  try {
    expect(run.code).toBe(4);
    const notices = run.stderr.split('\n').filter((line) => line.startsWith('no worker has picked the rollout up'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`task queue ${taskQueue} (Temporal namespace default)`);
    expect(notices[0]).toContain('`flink-deploy worker`');
    expect((await rollout.describe()).status.name).toBe('RUNNING');
  } finally {
    await rollout.terminate('cli test cleanup').catch(() => undefined);
  }
}, 180_000);

test('a Temporal namespace that does not exist: exit 2 naming it and how to fix it, for every command', async () => {
  const name = appName();
  const wrong = { ...env, TEMPORAL_NAMESPACE: `nowhere-${randomUUID().slice(0, 8)}`, KUBECONFIG: stack.kubeconfig };
  for (const args of [
    ['apply', '-f', writeManifest(name), '--wait', '--timeout', '5s'],
    ['status', name],
    ['follow', name],
    ['cancel', name],
    ['schedule', 'list'],
  ]) {
    const run = await runCli(args, wrong);
    expect({ args, code: run.code }).toEqual({ args, code: 2 });
    expect(run.stderr).toContain(`the Temporal namespace "${wrong.TEMPORAL_NAMESPACE}" does not exist`);
    expect(run.stderr).toContain('--temporal-namespace / TEMPORAL_NAMESPACE');
  }
  expect(await statusOf(name)).toBeUndefined();
}, 180_000);

test('cancel with no operation in progress: exit 0, nothing to cancel, and where to look', async () => {
  const name = appName();
  const run = await runCli(['cancel', name, '--output', 'json'], env);
  expect(run.code).toBe(0);
  expect(run.stderr).toContain(`no operation in progress on default/${name}: nothing to cancel`);
  expect(run.stderr).toContain(`\`flink-deploy status ${name} -n default\` shows what holds it`);
  expect(JSON.parse(run.stdout)).toMatchObject({ cancelled: false, status: 'none', exitCode: 0 });
});

test('apply --no-wait starts the operation, prints its link and exits 0', async () => {
  const name = appName();
  started.push(name);
  const run = await runCli(['apply', '-f', writeManifest(name), '--no-wait'], env);
  expect(run.code).toBe(0);
  expect(run.stderr).toContain(
    `${stack.temporalUiUrl}/namespaces/default/workflows/${encodeURIComponent(`flink-deploy/default/${name}`)}/`,
  );
  expect(await statusOf(name)).toBe('RUNNING');
});

test.each(['SIGINT', 'SIGTERM'] as const)(
  '%s while waiting (Ctrl-C, a cancelled CI job) stops waiting, not the operation, and says so',
  async (signal) => {
    const name = appName();
    started.push(name);
    const cli = startCli(['apply', '-f', writeManifest(name), '--wait', '--timeout', '10m'], env);
    await until(() => cli.stderr().includes('started apply'));
    cli.child.kill(signal);
    const run = await cli.done;
    expect({ code: run.code, signal: run.signal }).toEqual({ code: 130, signal: null });
    expect(run.stderr).toContain('stopped waiting (Ctrl-C or SIGTERM). The operation was NOT cancelled and goes on');
    expect(run.stderr).toContain(`flink-deploy cancel ${name} -n default`);
    expect(await statusOf(name)).toBe('RUNNING');
  },
);
