/**
 * `flink-deploy logs` against the stack: two pods labelled as an application's JobManager and TaskManager
 * (the node agent runs their container's command as a local process), read through the API server's pod
 * logs, which the node agent serves as a kubelet does.
 */
import { randomUUID } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { selectorLabels } from '../../../src/k8s/render/labels';
import { flinkContainer } from '../../../src/cli/pod-logs';
import { eventually } from '../../support/eventually';
import { stack } from '../../support/stack';
import { cliEnv, runCli, startCli, until } from './run-cli';

const kc = new k8s.KubeConfig();
kc.loadFromFile(stack.kubeconfig);
const core = kc.makeApiClient(k8s.CoreV1Api);
const namespace = `logs-${randomUUID().slice(0, 6)}`;
const app = 'logs-app';
const env = cliEnv({ KUBECONFIG: stack.kubeconfig });

function pod(component: 'jobmanager' | 'taskmanager'): k8s.V1Pod {
  return {
    metadata: { name: `${app}-${component}-0`, labels: selectorLabels(app, component) },
    spec: {
      restartPolicy: 'Never',
      containers: [
        {
          name: flinkContainer,
          image: 'flink:2.3',
          command: [
            'sh',
            '-c',
            `echo hello from ${component}; i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.5; done`,
          ],
        },
      ],
    },
  };
}

beforeAll(async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  for (const component of ['jobmanager', 'taskmanager'] as const) {
    await core.createNamespacedPod({ namespace, body: pod(component) });
  }
  await eventually(
    'both pods log',
    async () => {
      const logs = await Promise.all(
        ['jobmanager', 'taskmanager'].map((c) =>
          core.readNamespacedPodLog({ namespace, name: `${app}-${c}-0`, container: flinkContainer }).catch(() => ''),
        ),
      );
      return logs.every((log) => log.includes('tick 1')) ? true : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );
}, 180_000);

afterAll(async () => {
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

test('logs <app>: the JobManager then the TaskManager, each line prefixed with its pod', async () => {
  const run = await runCli(['logs', app, '-n', namespace], env);
  expect(run.code).toBe(0);
  const lines = run.stdout.trimEnd().split('\n');
  const jm = `[${app}-jobmanager-0] `;
  const tm = `[${app}-taskmanager-0] `;
  expect(lines[0]).toBe(`${jm}hello from jobmanager`);
  expect(lines).toContain(`${tm}hello from taskmanager`);
  expect(lines.every((line) => line.startsWith(jm) || line.startsWith(tm))).toBe(true);
  // JobManager lines first, then TaskManager lines.
  expect(lines.findLastIndex((line) => line.startsWith(jm))).toBeLessThan(lines.findIndex((l) => l.startsWith(tm)));
});

test('--taskmanagers: only the TaskManager, unprefixed; --tail', async () => {
  const run = await runCli(['logs', app, '-n', namespace, '--taskmanagers'], env);
  expect(run.code).toBe(0);
  expect(run.stdout.split('\n')[0]).toBe('hello from taskmanager');
  expect(run.stdout).not.toContain('jobmanager');
  const tail = await runCli(['logs', app, '-n', namespace, '--jobmanager', '--tail', '2'], env);
  expect(tail.stdout.trimEnd().split('\n')).toEqual([
    expect.stringMatching(/^tick \d+$/),
    expect.stringMatching(/^tick \d+$/),
  ]);
});

test('-f streams new lines until Ctrl-C (exit 130)', async () => {
  const cli = startCli(['logs', app, '-n', namespace, '--jobmanager', '--tail', '1', '-f'], env);
  await until(() => /^tick \d+$/m.test(cli.stdout()), 60_000);
  const first = Number(/tick (\d+)/.exec(cli.stdout())![1]);
  await until(() => cli.stdout().includes(`tick ${first + 3}\n`), 60_000);
  cli.child.kill('SIGINT');
  const run = await cli.done;
  expect(run.code).toBe(130);
});

test('an application without pods: exit 1, saying none were found', async () => {
  const run = await runCli(['logs', 'no-such-app', '-n', namespace], env);
  expect(run.code).toBe(1);
  expect(run.stderr).toContain(`${namespace}/no-such-app has no jobmanager or taskmanager pods`);
});

test('--jobmanager with --taskmanagers is a usage error (exit 2)', async () => {
  const run = await runCli(['logs', app, '-n', namespace, '--jobmanager', '--taskmanagers'], env);
  expect(run.code).toBe(2);
});
