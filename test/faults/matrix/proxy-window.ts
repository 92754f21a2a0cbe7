/**
 * How a fault of the matrix finds something to land on: a proxy rule's window (faults.ts) starts at the
 * first call it hits and lets a held answer go once it is in place. No stack import: unit-tested.
 */
import type { Client } from '@temporalio/client';
import type { FaultProxy, ProxyRule } from './fault-proxy';
import type { MatrixEnv } from './matrix-env';

export interface FaultContext {
  env: MatrixEnv;
  proxy: FaultProxy;
  app: string;
  /** The application whose operation the cell runs (`app`, or a session job's cluster when it is the cluster's). */
  subject: string;
  /** Temporal, as the CLI's `cancel` reaches it. */
  client: Client;
  /** Whose JobManager pods the JobManager faults hit: the app's, or a session job's cluster's. */
  jobManagersOf: string;
  /** The stability timeout of the cell's manifests (s): "worker down longer than" this. */
  stabilityTimeoutSeconds: number;
  /**
   * Called once a proxy fault is in place: a held answer (an injection point inside an activity) is let go
   * then, else the activity waits on it for the whole window and no call of the worker meets the fault.
   */
  inPlace?: () => void;
  /** Aborted when the operation ended: stop waiting for something to land on. */
  signal?: AbortSignal;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long proxy faults last (status, reset): long enough for several retries of every call. */
export const PROXY_WINDOW_MS = 20_000;

/** How long a fault waits for something to land on (a call of the worker, a JobManager process). */
export const LAND_WAIT_MS = 60_000;

/** Polls `landed` every 100 ms until it holds, the operation ended or LAND_WAIT_MS passed; the ms waited. */
export async function waitToLand(ctx: FaultContext, landed: () => boolean | Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (!(await landed()) && !ctx.signal?.aborted && Date.now() - start < LAND_WAIT_MS) await sleep(100);
  return Date.now() - start;
}

/**
 * A proxy rule for `ms` from the first call it hits: the worker may call neither Flink nor Kubernetes for
 * a while (a JobManager starting is watched through its pods), so the window waits up to LAND_WAIT_MS for
 * that first call; a held answer is let go as soon as the rule is in place.
 */
export async function proxyWindow(ctx: FaultContext, rule: ProxyRule, ms = PROXY_WINDOW_MS): Promise<string> {
  const total = () => [...ctx.proxy.applied.values()].reduce((a, b) => a + b, 0);
  const before = total();
  const remove = ctx.proxy.addRule(rule);
  try {
    ctx.inPlace?.();
    const waited = await waitToLand(ctx, () => total() > before);
    await sleep(ms);
    return (
      `proxy ${rule.target} ${JSON.stringify(rule.fault)} for ${ms} ms from its first call ` +
      `(${waited} ms waiting for it): ${total() - before} calls hit`
    );
  } finally {
    remove();
  }
}
