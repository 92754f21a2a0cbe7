/**
 * How each fault of the matrix is injected and healed. `inject` returns when the fault has landed and the
 * harness has undone it (a worker started again, a server restarted, the proxy passing requests again):
 * the operation then has to cope on its own. Stack faults refuse a stack the harness did not start.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { operationWorkflowId } from '../../../src/contract/ids';
import { findPodProcesses } from '../../../src/local/node-agent/proc';
import { core } from '../../support/e2e';
import { stack } from '../../support/stack';
import type { FaultName } from './cells';
import { isWrite, type ProxyRule } from './fault-proxy';
import { proxyWindow, waitToLand, type FaultContext } from './proxy-window';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True when the stack in use was started by scripts/faults-stack.sh (its marker file), never the shared one. */
export function ownStack(): boolean {
  return existsSync(path.join(stack.dir, 'run', 'started-by-faults'));
}

function stackPid(name: string): number {
  return Number(readFileSync(path.join(stack.dir, 'run', `${name}.pid`), 'utf8').trim());
}

/** SIGKILL one component of the harness's own stack and start it again with scripts/stack/up.sh. */
async function restartComponent(name: 'temporal' | 'kube-apiserver' | 'node-agent', downMs: number): Promise<string> {
  if (!ownStack()) {
    throw new Error(`refusing to restart ${name}: ${stack.dir} was not started by scripts/faults-stack.sh`);
  }
  const pid = stackPid(name);
  process.kill(pid, 'SIGKILL');
  await sleep(downMs);
  execFileSync('bash', [path.join(stack.root, 'scripts', 'stack', 'up.sh')], { stdio: 'ignore', env: process.env });
  return `${name} pid ${pid} SIGKILLed, down ${downMs} ms, started again as pid ${stackPid(name)}`;
}

/** The app's JobManager pods (not being deleted). */
async function jobManagerPods(app: string, namespace: string) {
  const pods = await core.listNamespacedPod({
    namespace,
    labelSelector: `app.kubernetes.io/instance=${app},app.kubernetes.io/component=jobmanager`,
  });
  return pods.items.filter((p) => !p.metadata?.deletionTimestamp);
}

/** Every call of the worker (its record's compare-and-swap writes included). */
const every: ProxyRule['match'] = () => true;
/** Stalls: each of the next 3 calls (within 10 s) waits 20 s before it goes through. */
const stall = { kind: 'stall', ms: 20_000 } as const;

export const faultInjectors: Record<FaultName, (ctx: FaultContext) => Promise<string>> = {
  'worker-sigkill': async ({ env }) => {
    await env.killWorker();
    await sleep(2000);
    env.startWorker();
    return 'worker SIGKILLed, started again after 2 s';
  },
  'worker-sigterm': async ({ env }) => {
    await env.terminateWorker();
    env.startWorker();
    return 'worker SIGTERMed (exited), started again';
  },
  'worker-down-long': async ({ env, stabilityTimeoutSeconds }) => {
    await env.killWorker();
    const ms = (stabilityTimeoutSeconds + 10) * 1000;
    await sleep(ms);
    env.startWorker();
    return `worker SIGKILLed, down ${ms / 1000} s (stability timeout ${stabilityTimeoutSeconds} s)`;
  },
  'temporal-restart': () => restartComponent('temporal', 3000),
  'apiserver-restart': () => restartComponent('kube-apiserver', 3000),
  'node-agent-restart': () => restartComponent('node-agent', 1000),
  'jobmanager-delete': async (ctx) => {
    const { env, jobManagersOf } = ctx;
    // No JobManager yet (a deploy or resume before its apply, an upgrade between its clusters): the held answer
    // goes on, and the first JobManager pod the operation starts is the one deleted.
    let pods = await jobManagerPods(jobManagersOf, env.namespace);
    let waited = 0;
    if (pods.length === 0) {
      ctx.inPlace?.();
      waited = await waitToLand(ctx, async () => {
        pods = await jobManagerPods(jobManagersOf, env.namespace);
        return pods.length > 0;
      });
    }
    for (const p of pods) await core.deleteNamespacedPod({ namespace: env.namespace, name: p.metadata!.name! });
    const names = pods.map((p) => p.metadata?.name).join(', ') || 'none (none was there)';
    return `deleted JobManager pods: ${names}${waited ? ` (${waited} ms waiting for one)` : ''}`;
  },
  'jobmanager-sigstop': async (ctx) => {
    const { env, jobManagersOf } = ctx;
    // A JobManager pod just created (Deploying → WaitingForStable) has no process yet: wait for one.
    let pods = await jobManagerPods(jobManagersOf, env.namespace);
    let pids: ReturnType<typeof findPodProcesses> = [];
    const waited = await waitToLand(ctx, async () => {
      pods = await jobManagerPods(jobManagersOf, env.namespace);
      pids = findPodProcesses().filter((p) => pods.some((pod) => pod.metadata?.uid === p.podUid));
      return pids.length > 0;
    });
    // A process listed may end before it is signalled (a starting JobManager's short-lived helpers): skipped.
    const stopped = pids.filter((p) => signalled(p.pid, 'SIGSTOP'));
    await sleep(5000);
    for (const p of stopped) signalled(p.pid, 'SIGCONT');
    return (
      `SIGSTOP 5 s of ${stopped.length} processes of JobManager pods ${pods.map((p) => p.metadata?.name).join(', ')} ` +
      `(${pids.length - stopped.length} ended before the signal; ${waited} ms waiting for them)`
    );
  },
  'flink-5xx': (ctx) => proxyWindow(ctx, { target: 'flink', match: every, fault: { kind: 'status', status: 503 } }),
  'flink-reset': (ctx) => proxyWindow(ctx, { target: 'flink', match: every, fault: { kind: 'reset' } }),
  'flink-stall': (ctx) => proxyWindow(ctx, { target: 'flink', match: every, fault: stall, times: 3 }, 10_000),
  'kube-5xx': (ctx) => proxyWindow(ctx, { target: 'kube', match: every, fault: { kind: 'status', status: 500 } }),
  'kube-reset': (ctx) => proxyWindow(ctx, { target: 'kube', match: every, fault: { kind: 'reset' } }),
  'kube-stall': (ctx) => proxyWindow(ctx, { target: 'kube', match: every, fault: stall, times: 3 }, 10_000),
  'kube-409': (ctx) => proxyWindow(ctx, { target: 'kube', match: isWrite, fault: { kind: 'status', status: 409 } }),
  cancel: async (ctx) => {
    // What `flink-deploy cancel <app>` does (its describe, then a cancel of that run), in-process: the CLI's
    // start-up (a second or two) would miss a short phase. The CLI's own cancel is tested in test/integration/cli.
    const run = await latestRun(ctx);
    if (run.status !== 'RUNNING') return `cancel of ${run.workflowId}: nothing to cancel (run ${run.status})`;
    await run.handle.cancel();
    return `cancel of ${run.workflowId}: cancellation requested of run ${run.runId}`;
  },
  terminate: async (ctx) => {
    const run = await latestRun(ctx);
    if (run.status !== 'RUNNING') return `terminate of ${run.workflowId}: nothing to terminate (run ${run.status})`;
    await run.handle.terminate('fault matrix: terminated at its injection point');
    return `terminate of ${run.workflowId}: run ${run.runId} terminated`;
  },
};

export type { FaultContext } from './proxy-window';

/** The latest run of the subject's operation (its describe) and a handle on that run alone. */
async function latestRun({ env, subject, client }: FaultContext) {
  const workflowId = operationWorkflowId({ namespace: env.namespace, name: subject });
  const { status, runId } = await client.workflow.getHandle(workflowId).describe();
  return { workflowId, runId, status: status.name, handle: client.workflow.getHandle(workflowId, runId) };
}

/** Sends `signal` to `pid`; false when the process no longer exists (ESRCH). */
function signalled(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}
