/**
 * The demo (README's main command, `npm run demo`): on the running local stack, start a worker,
 * deploy the example application (our stateful counter job), upgrade it with a savepoint
 * (parallelism 2 → 3), and show the restore as Flink and the job's own output tell it.
 * Exits 0 only if all of that happened.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FlinkRestClient, resolveFlinkEndpoint } from '../src/flink';
import { createKubeClients, createKubeFacade, loadKubeConfig } from '../src/k8s';
import type { AppSpec } from '../src/spec/types';
import { counterManifest, maxCounts, startsFromOne } from './lib/counter-app';
import { applyFlinkRbac } from './lib/flink-rbac';

const root = path.resolve(__dirname, '..');
const stackDir = process.env.FD_STACK_DIR ?? path.join(root, '.stack');
const kubeconfig = path.join(stackDir, 'kubeconfig');
const node = process.execPath;
const cli = path.join(root, 'bin', 'flink-deploy.js');
const app = 'demo-counter';
const namespace = 'default';
const dir = path.join(stackDir, 'demo', app);
// A stack on other ports (the FD_* variables of scripts/stack/env.sh): its Temporal and its Web UI, unless given.
const temporalPort = process.env.FD_TEMPORAL_PORT ?? '7233';
const uiPort = process.env.FD_TEMPORAL_UI_PORT ?? '8233';
const env = {
  ...process.env,
  TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? `127.0.0.1:${temporalPort}`,
  FLINK_DEPLOY_UI_URL: process.env.FLINK_DEPLOY_UI_URL ?? `http://127.0.0.1:${uiPort}`,
  KUBECONFIG: kubeconfig,
  FLINK_DEPLOY_TASK_QUEUE: 'flink-deploy-demo',
  FLINK_DEPLOY_METRICS_ADDRESS: '127.0.0.1:9465',
};

const say = (line: string) => console.log(`\n== ${line}`);
function runCli(args: string[]): number {
  const r = spawnSync(node, [cli, ...args], { env, stdio: 'inherit' });
  return r.status ?? 1;
}

async function main(): Promise<number> {
  const kube = createKubeFacade(createKubeClients(loadKubeConfig({ path: kubeconfig })));
  // A clean start: the previous demo's application and files go.
  await kube.delete({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace,
    name: `${app}-deploy-state`,
    propagationPolicy: 'Background',
  });
  await kube.waitForPodsGone({ namespace, labelSelector: `app.kubernetes.io/instance=${app}`, timeoutMs: 120_000 });
  // Flink's ServiceAccount and Role (deploy/flink-rbac.yaml): its JobManager HA keeps ConfigMaps.
  await applyFlinkRbac(kube, namespace);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  say('starting a flink-deploy worker (task queue flink-deploy-demo)');
  const worker = spawn(node, [cli, 'worker'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    const v1 = path.join(dir, 'app-v1.yaml');
    const v2 = path.join(dir, 'app-v2.yaml');
    writeFileSync(v1, counterManifest({ app, namespace, dir, parallelism: 2 }));
    writeFileSync(v2, counterManifest({ app, namespace, dir, parallelism: 3 }));

    say(`deploying ${namespace}/${app} (the stateful counter job, parallelism 2)`);
    if (runCli(['apply', '-f', v1, '--wait', '--timeout', '6m']) !== 0) return fail('the deploy did not succeed');
    const before = maxCounts(path.join(dir, 'out'));
    say(`counts before the upgrade: ${[...before].map(([k, c]) => `key ${k}=${c}`).join(', ')}`);

    say('upgrading with a savepoint (parallelism 2 → 3)');
    if (runCli(['apply', '-f', v2, '--wait', '--timeout', '6m']) !== 0) return fail('the upgrade did not succeed');

    const record = (await kube.records.readRecord<AppSpec>(namespace, app))?.record;
    const savepoint = record?.savepoints.find((s) => s.kind === 'upgrade');
    if (!record?.jobId || !savepoint) return fail('the deployed-state record shows no upgrade savepoint');
    const baseUrl = await resolveFlinkEndpoint({
      app,
      namespace,
      lookup: { kind: 'endpoint-slice', listReadyAddresses: (i) => kube.readyEndpointAddresses(i) },
    });
    const flink = new FlinkRestClient({ baseUrl });
    const restored = (await flink.checkpoints(record.jobId)).latestRestored?.externalPath;
    const same = (a?: string, b?: string) => a?.replace('file:///', 'file:/') === b?.replace('file:///', 'file:/');
    if (!same(restored, savepoint.location))
      return fail(
        `Flink says job ${record.jobId} was restored from ${restored ?? 'nothing'}, not ${savepoint.location}`,
      );
    const after = maxCounts(path.join(dir, 'out'));
    const restartedFromScratch = [...startsFromOne(path.join(dir, 'out'))].filter(([, n]) => n > 1).map(([k]) => k);
    if (restartedFromScratch.length)
      return fail(`keys ${restartedFromScratch.join(', ')} started counting from 1 again: state was lost`);
    const total = [...after.values()].reduce((a, b) => a + b, 0);
    say(
      `restored from savepoint ${savepoint.location} (Flink's latest.restored of job ${record.jobId}); ` +
        `counter continued at ${total} (${[...after].map(([k, c]) => `key ${k}=${c}`).join(', ')}), no key ` +
        `started over`,
    );
    say(
      `Temporal Web UI: ` +
        `${env.FLINK_DEPLOY_UI_URL}/namespaces/default/workflows?query=` +
        encodeURIComponent(`FlinkApplication="${app}"`),
    );
    for (const h of record.history)
      say(
        `  ${h.type} ${h.outcome}: ` +
          `${env.FLINK_DEPLOY_UI_URL}/namespaces/default/workflows/${encodeURIComponent(h.workflowId)}/${h.runId}`,
      );
    say('demo OK');
    return 0;
  } finally {
    worker.kill('SIGTERM');
  }
}

function fail(message: string): number {
  console.error(`\n!! demo FAILED: ${message}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
