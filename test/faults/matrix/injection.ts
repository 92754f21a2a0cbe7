/**
 * Reaching an injection point of a running operation.
 * - Phase entry: the server's FlinkPhase search attribute, polled every 20 ms (upserted in the workflow
 *   task that schedules the phase's first activity); a periodic savepoint run upserts none, so its
 *   record's `operation.phase` is polled instead (written before the phase's first side effect).
 *   Short phases (Locking, Planning, Deploying last under a second) may be left before the fault lands:
 *   the run records the phase read right after the injection, so the report shows where it landed.
 * - After Flink accepted the stop-with-savepoint trigger: the fault proxy holds Flink's 2xx answer to
 *   `POST /jobs/<id>/stop` until the fault has landed (the activity has not seen it yet).
 * - Between the objects of an apply: once the phase Deploying is entered, the proxy holds the answer to
 *   the first server-side apply (`PATCH …?fieldManager=`, not a dry run) until the fault has landed.
 * - Disposing of a periodic run: that phase comes after the lock is released, so neither the record nor a
 *   search attribute shows it; the proxy holds Flink's answer to the first `POST /savepoint-disposal`
 *   (the disposal was planned and recorded, Flink has accepted it, the activity has not seen it yet).
 */
import type { Client } from '@temporalio/client';
import { FlinkPhase } from '../../../src/contract/search-attributes';
import { kube } from '../../support/e2e';
import { AfterStopTrigger, BetweenApplyObjects } from './cells';
import type { FaultProxy } from './fault-proxy';

export interface PointTarget {
  client: Client;
  proxy: FaultProxy;
  namespace: string;
  app: string;
  /** The operation's workflow id; undefined: read the record's phase. */
  workflowId: string | undefined;
  /** Aborted when the operation ended: stop looking for the point. */
  signal: AbortSignal;
}

export interface Reached {
  /** Lets a held answer go (call once the fault has landed). */
  release(): void;
  /** The point is a held answer (not a phase read from the server). */
  held?: boolean;
}

const POINT_TIMEOUT_MS = 300_000;

/** The phase the operation is in now (server's FlinkPhase, or the record's). */
export async function currentPhase(t: PointTarget): Promise<string | undefined> {
  if (t.workflowId) {
    const described = await t.client.workflow
      .getHandle(t.workflowId)
      .describe()
      .catch(() => undefined);
    return described?.status.name === 'RUNNING' ? described.typedSearchAttributes.get(FlinkPhase) : undefined;
  }
  const record = await kube.records.readRecord(t.namespace, t.app).catch(() => undefined);
  return record?.record.operation?.phase;
}

async function phaseEntered(t: PointTarget, phase: string): Promise<void> {
  const deadline = Date.now() + POINT_TIMEOUT_MS;
  while ((await currentPhase(t)) !== phase) {
    if (t.signal.aborted) throw new Error(`the operation ended before phase ${phase} was seen`);
    if (Date.now() > deadline) throw new Error(`phase ${phase} not reached in ${POINT_TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, t.workflowId ? 20 : 50));
  }
}

async function heldAnswer(
  t: PointTarget,
  target: 'flink' | 'kube',
  match: Parameters<FaultProxy['tap']>[1],
  what: string,
): Promise<Reached> {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const tapped = t.proxy.tap(target, match, { hold: true, release: released });
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`${what} not seen in ${POINT_TIMEOUT_MS / 1000} s`)), POINT_TIMEOUT_MS).unref(),
  );
  const ended = new Promise<never>((_, reject) =>
    t.signal.addEventListener('abort', () => reject(new Error(`the operation ended before ${what}`))),
  );
  await Promise.race([tapped, timeout, ended]);
  return { release, held: true };
}

/** Resolves when the operation is at `point` (a held answer, if any, waits for `release`). */
export async function reachPoint(t: PointTarget, point: string): Promise<Reached> {
  if (point === AfterStopTrigger) {
    return heldAnswer(
      t,
      'flink',
      (req, status) => req.method === 'POST' && /\/jobs\/[0-9a-f]+\/stop$/.test(req.path) && status < 300,
      'a stop-with-savepoint trigger accepted by Flink',
    );
  }
  if (point === BetweenApplyObjects) {
    await phaseEntered(t, 'Deploying');
    return heldAnswer(
      t,
      'kube',
      (req, status) =>
        req.method === 'PATCH' &&
        req.path.includes('fieldManager=') &&
        !req.path.includes('dryRun') &&
        !req.path.includes('deploy-state') &&
        status < 300,
      'a server-side apply of an object',
    );
  }
  if (point === 'Disposing' && !t.workflowId) {
    return heldAnswer(
      t,
      'flink',
      (req, status) => req.method === 'POST' && req.path === '/savepoint-disposal' && status < 300,
      'a savepoint disposal accepted by Flink',
    );
  }
  await phaseEntered(t, point);
  return { release: () => undefined };
}
