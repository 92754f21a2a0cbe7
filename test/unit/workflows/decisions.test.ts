import type { SavepointEntry } from '../../../src/contract/savepoints';
import { checkpointFallback } from '../../../src/workflows/decisions/checkpoint-fallback';
import { latestSavepoint } from '../../../src/workflows/decisions/latest-savepoint';
import { planRetention } from '../../../src/workflows/decisions/retention';

const t0 = Date.parse('2026-11-01T00:00:00Z');
const sp = (n: number, extra: Partial<SavepointEntry> = {}): SavepointEntry => ({
  location: `file:///sp/savepoint-${n}`,
  kind: 'periodic',
  time: new Date(t0 + n * 60_000).toISOString(),
  triggerId: null,
  jobId: null,
  disposed: false,
  ...extra,
});

describe('planRetention', () => {
  test('keeps the newest `keep` and plans the rest, oldest first', () => {
    const savepoints = [sp(1), sp(2), sp(3), sp(4), sp(5)];
    expect(planRetention({ savepoints, policy: { keep: 3 }, now: t0 + 10 * 60_000, protectedLocations: [] })).toEqual([
      'file:///sp/savepoint-1',
      'file:///sp/savepoint-2',
    ]);
  });

  test('never plans the savepoint the running job was restored from, even beyond the count', () => {
    const savepoints = [sp(1), sp(2), sp(3)];
    expect(
      planRetention({ savepoints, policy: { keep: 1 }, now: t0, protectedLocations: ['file:///sp/savepoint-1'] }),
    ).toEqual(['file:///sp/savepoint-2']);
  });

  test('plans by age as well as by count', () => {
    const savepoints = [sp(1), sp(50), sp(59)];
    expect(
      planRetention({
        savepoints,
        policy: { keep: 10, maxAgeSeconds: 30 * 60 },
        now: t0 + 60 * 60_000,
        protectedLocations: [],
      }),
    ).toEqual(['file:///sp/savepoint-1']);
  });

  test('plans failed disposals again and skips those already disposed and checkpoints', () => {
    const savepoints = [
      sp(1, { disposed: true }),
      sp(2, { disposalPending: true, disposeError: 'timeout' }),
      sp(3, { kind: 'checkpoint' }),
      sp(4),
    ];
    expect(planRetention({ savepoints, policy: { keep: 5 }, now: t0, protectedLocations: [] })).toEqual([
      'file:///sp/savepoint-2',
    ]);
  });

  test('never plans a registered savepoint (not taken by flink-deploy), whatever its age or the count', () => {
    const registered = sp(0, { kind: 'registered', location: 's3://b/savepoints/savepoint-theirs' });
    // Oldest of all, beyond keep: 1 and over the age limit; marked pending by hand: still never planned.
    const savepoints = [registered, sp(1, { kind: 'manual' }), sp(2, { kind: 'manual' }), sp(3, { kind: 'manual' })];
    const policy = { keep: 1, maxAgeSeconds: 60 };
    const planned = planRetention({ savepoints, policy, now: t0 + 60 * 60_000, protectedLocations: [] });
    expect(planned).toEqual(['file:///sp/savepoint-1', 'file:///sp/savepoint-2', 'file:///sp/savepoint-3']);
    const pending = [{ ...registered, disposalPending: true }, sp(4, { kind: 'manual' })];
    expect(planRetention({ savepoints: pending, policy: { keep: 0 }, now: t0, protectedLocations: [] })).toEqual([
      'file:///sp/savepoint-4',
    ]);
  });
});

describe('checkpointFallback', () => {
  test('refuses when there is no checkpoint', () => {
    expect(checkpointFallback(null, { maxAgeSeconds: 60 })).toEqual({
      use: false,
      reason: 'the job has no completed checkpoint',
    });
  });
  test('refuses a checkpoint older than allowed, naming both ages', () => {
    const d = checkpointFallback(
      { id: 7, location: 'file:///cp/chk-7', completedAt: t0 - 120_000, ageSeconds: 120 },
      { maxAgeSeconds: 60 },
    );
    expect(d).toEqual({ use: false, reason: 'the latest checkpoint is 120s old, more than the allowed 60s' });
  });
  test('uses a young enough checkpoint', () => {
    const checkpoint = { id: 7, location: 'file:///cp/chk-7', completedAt: t0 - 30_000, ageSeconds: 30 };
    expect(checkpointFallback(checkpoint, { maxAgeSeconds: 60 })).toEqual({ use: true, checkpoint });
  });
});

describe('latestSavepoint', () => {
  test('is the newest one that is neither disposed nor pending disposal', () => {
    expect(latestSavepoint([sp(1), sp(3, { disposalPending: true }), sp(2), sp(4, { disposed: true })])?.location).toBe(
      'file:///sp/savepoint-2',
    );
    expect(latestSavepoint([])).toBeUndefined();
  });

  test('is never a registered savepoint: one is restored only when named (rollback --to-savepoint)', () => {
    const registered = sp(9, { kind: 'registered', location: 'file:///elsewhere/savepoint-x' });
    expect(latestSavepoint([sp(1), registered])?.location).toBe('file:///sp/savepoint-1');
    expect(latestSavepoint([registered])).toBeUndefined();
  });
});
