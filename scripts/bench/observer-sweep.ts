/**
 * Benchmark of the observer's sweep (issue 10 §3; printed figures, not a timed test): the time of
 * one sweep of 1, 10 and 100 deployed-state records (`--sizes 1,10,100,1000`: a fleet's). The
 * records are real ConfigMaps on the local stack's kube-apiserver (namespace `bench-observer-<n>`,
 * removed after); Flink REST is answered by a LOAD STAND-IN (scripts/bench/fleet/flink-stand-in.ts:
 * `/jobs/:id`, its exceptions and checkpoints like a healthy JobManager, after `--flink-latency-ms`,
 * default 20 ms), because the stack cannot run 100 Flink clusters. The activity is the real one, run in Temporal's
 * MockActivityEnvironment. Usage: FD_STACK_DIR=... npx tsx scripts/bench/observer-sweep.ts
 */
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { MockActivityEnvironment } from '@temporalio/testing';
import { observerActivities } from '../../src/activities/observe';
import { FlinkRestClient } from '../../src/flink';
import { createKubeClients, createKubeFacade, loadKubeConfig } from '../../src/k8s';
import { emptyRecord } from '../../src/k8s/state-record/types';
import { loadAppSpec } from '../../src/spec';
import type { AppSpec } from '../../src/spec/types';
import { counterManifest } from '../lib/counter-app';
import { FlinkStandIn } from './fleet/flink-stand-in';

const stackDir = process.env.FD_STACK_DIR ?? path.resolve(__dirname, '..', '..', '.stack');
const kubeconfig = path.join(stackDir, 'kubeconfig');
const latencyArg = process.argv.indexOf('--flink-latency-ms');
const latencyMs = latencyArg > 0 ? Number(process.argv[latencyArg + 1]) : 20;
const sizesArg = process.argv.indexOf('--sizes');
const sizes = (sizesArg > 0 ? (process.argv[sizesArg + 1] ?? '') : '1,10,100').split(',').map(Number);
if (!sizes.every((n) => Number.isInteger(n) && n > 0)) {
  console.error('--sizes takes whole numbers above 0, comma-separated (e.g. 1,10,100,1000)');
  process.exit(2);
}

async function main(): Promise<void> {
  // The fleet benchmarks' load stand-in, reached directly (not as a proxy): every job RUNNING.
  const stand = new FlinkStandIn({ latencyMs, savepointMs: 0 });
  const baseUrl = await stand.start();
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const kube = createKubeFacade(createKubeClients(loadKubeConfig({ path: kubeconfig })));
  console.log(`observer sweep benchmark: Flink REST answered by a LOAD STAND-IN (${latencyMs} ms per request)`);
  try {
    for (const n of sizes) {
      const namespace = `bench-observer-${n}-${Date.now() % 100000}`;
      await core.createNamespace({ body: { metadata: { name: namespace } } });
      try {
        const spec: AppSpec = loadAppSpec(counterManifest({ app: 'bench', namespace, dir: '/tmp/bench-observer' }));
        for (let i = 0; i < n; i++) {
          // One at a time: the figure is the sweep's, not the set-up's.
          await kube.records.createRecord(namespace, {
            ...emptyRecord<AppSpec>(namespace, `app-${i}`),
            generation: 1,
            jobId: `${i}`.padStart(32, '0'),
            status: 'running',
            lastAppliedSpec: { ...spec, name: `app-${i}` },
          });
        }
        const activities = observerActivities({
          kube,
          flinkFor: () => Promise.resolve(new FlinkRestClient({ baseUrl })),
          namespaces: [namespace],
        });
        const samples: number[] = [];
        for (let run = 0; run < 3; run++) {
          const env = new MockActivityEnvironment();
          const started = performance.now();
          await env.run(activities.observeApplications, { intervalMs: 15_000, runForMs: 0 });
          samples.push(performance.now() - started);
        }
        const [first, ...steady] = samples.map((s) => `${Math.round(s)} ms`);
        console.log(
          `  ${String(n).padStart(4)} record(s): first sweep ${first} (writes every record's observed ` +
            `field), then ${steady.join(', ')}`,
        );
      } finally {
        await core.deleteNamespace({ name: namespace }).catch(() => undefined);
      }
    }
  } finally {
    await stand.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
