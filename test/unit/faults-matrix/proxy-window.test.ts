/**
 * A proxy fault's window (issue 12) starts at the first call it hits, and lets a held answer go once the rule
 * is in place: periodic-savepoint/Disposing/flink-stall and the between-apply-objects kube-409 cells hit
 * 0 calls because the activity waited on the held answer for the whole window, and the WaitingForStable
 * flink faults because the worker called no Flink REST within it (a JobManager starting is watched through
 * its pods).
 */
import type { Client } from '@temporalio/client';
import type { FaultProxy, ProxyRule } from '../../faults/matrix/fault-proxy';
import type { MatrixEnv } from '../../faults/matrix/matrix-env';
import { proxyWindow, type FaultContext } from '../../faults/matrix/proxy-window';

const rule: ProxyRule = { target: 'flink', match: () => true, fault: { kind: 'status', status: 503 } };

/** A proxy whose rule is hit by one call `callAfterMs` after the rule is added (never when undefined). */
function fakeProxy(callAfterMs: number | undefined) {
  const events: string[] = [];
  const applied = new Map<string, number>();
  const proxy = {
    applied,
    addRule: () => {
      events.push('rule added');
      if (callAfterMs !== undefined) setTimeout(() => applied.set('flink 503', 1), callAfterMs);
      return () => events.push('rule removed');
    },
  } as unknown as FaultProxy;
  return { proxy, events };
}

const context = (proxy: FaultProxy, events: string[], signal?: AbortSignal): FaultContext => ({
  env: {} as MatrixEnv,
  proxy,
  app: 'app',
  subject: 'app',
  client: {} as Client,
  jobManagersOf: 'app',
  stabilityTimeoutSeconds: 300,
  inPlace: () => events.push('held answer let go'),
  ...(signal ? { signal } : {}),
});

test('the held answer goes once the rule is in place, and the window runs from the first call it hits', async () => {
  const { proxy, events } = fakeProxy(400);
  const started = Date.now();
  const description = await proxyWindow(context(proxy, events), rule, 200);
  expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  expect(events).toEqual(['rule added', 'held answer let go', 'rule removed']);
  expect(description).toMatch(/^proxy flink \{"kind":"status","status":503\} for 200 ms from its first call \(\d+ ms/);
  expect(description).toMatch(/: 1 calls hit$/);
});

test('no call before the operation ends: the window stops waiting and says 0 calls hit', async () => {
  const { proxy, events } = fakeProxy(undefined);
  const ended = new AbortController();
  setTimeout(() => ended.abort(), 300);
  const description = await proxyWindow(context(proxy, events, ended.signal), rule, 50);
  expect(description).toMatch(/: 0 calls hit$/);
  expect(events.at(-1)).toBe('rule removed');
});
