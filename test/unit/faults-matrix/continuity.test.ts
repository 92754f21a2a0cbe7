/**
 * The matrix's `continuity` of a rolled-back run (issue 12). rollback-auto/Savepointing/jobmanager-delete
 * failed it twice although nothing was lost: the old job, its JobManager deleted at Savepointing, recovered
 * from its latest checkpoint (Kubernetes HA) and wrote again the counts since it (key 0: 41 … 94, 85 … 130)
 * before its savepoint, which the rollback then restored exactly. Such a replay is allowed under the fault
 * that causes it, as the exact check of a successful run is relaxed to `checkpoint`; starting over, going
 * back further than the state restored, or a gap never is.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { counterKeys, markOutput } from '../../../scripts/lib/counter-app';
import type { FaultName } from '../../faults/matrix/cells';
import { continuityInvariant, continuityUnder } from '../../faults/matrix/continuity';
import type { RunContext } from '../../faults/matrix/operations';
import type { FlinkRestore } from '../../support/two-jobs-watcher';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'continuity-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const lines = (counts: number[], key: number) => counts.map((c) => `${key} ${c}\n`).join('');

/** Every key counted 1 … 40 before the operation, then `after(key)` (written after the start mark). */
function written(after: (key: number) => number[]): Pick<RunContext, 'before' | 'after' | 'startMark'> {
  const file = path.join(dir, 'counts-1.txt');
  writeFileSync(
    file,
    range(0, counterKeys - 1)
      .map((k) => lines(range(1, 40), k))
      .join(''),
  );
  const startMark = markOutput(dir);
  for (let k = 0; k < counterKeys; k++) appendFileSync(file, lines(after(k), k));
  return { before: dir, after: dir, startMark };
}

const rolledBack = (run: Pick<RunContext, 'before' | 'after' | 'startMark'>, fault: FaultName) =>
  continuityInvariant({ kind: continuityUnder('continues', fault), outcome: 'rolled-back', fault, run });

/** The failing runs' shape: the old job replayed 85 … 94 after its HA recovery, then the rollback went on exactly. */
const replayedOnce = () => [...range(41, 94), ...range(85, 130)];

test('a rolled-back run whose old job replayed from its checkpoint passes under jobmanager-delete', () => {
  const result = rolledBack(
    written(() => replayedOnce()),
    'jobmanager-delete',
  );
  expect(result).toMatchObject({ name: 'continuity', ok: true });
  expect(result.evidence).toContain('key 0: 41 … 130, 0 breaks, replayed from a checkpoint 94 → 85, at start 40');
});

test('the same replay fails a fault Flink does not recover from a checkpoint (exact)', () => {
  const result = rolledBack(
    written(() => replayedOnce()),
    'worker-sigkill',
  );
  expect(result.ok).toBe(false);
  expect(result.evidence).toContain('key 0: 41 … 130, 1 breaks (94 → 85)');
});

test('under jobmanager-delete a key starting over still fails', () => {
  const result = rolledBack(
    written((k) => (k === 2 ? [...range(41, 94), ...range(1, 50)] : replayedOnce())),
    'jobmanager-delete',
  );
  expect(result.ok).toBe(false);
  expect(result.evidence).toContain('key 2: 41 … 50, 1 breaks (94 → 1)');
});

test('under jobmanager-delete going back further than the state at the operation start fails', () => {
  // Count 30 continues state 29: older than the key's 40 when the operation started.
  const result = rolledBack(
    written((k) => (k === 1 ? [...range(41, 94), ...range(30, 130)] : replayedOnce())),
    'jobmanager-delete',
  );
  expect(result.ok).toBe(false);
  expect(result.evidence).toContain('key 1: 41 … 130, 1 breaks (94 → 30)');
});

test('under jobmanager-delete a later recovery may not go back before an earlier one restored', () => {
  const newer = rolledBack(
    written(() => [...range(41, 94), ...range(85, 110), ...range(100, 130)]),
    'jobmanager-delete',
  );
  expect(newer.ok).toBe(true);
  const older = rolledBack(
    written(() => [...range(41, 94), ...range(85, 110), ...range(60, 130)]),
    'jobmanager-delete',
  );
  expect(older.ok).toBe(false);
  expect(older.evidence).toContain('1 breaks (110 → 60), replayed from a checkpoint 94 → 85');
});

test('under jobmanager-delete a gap (counts lost) or a key with no new counts fails', () => {
  const gap = rolledBack(
    written(() => [...range(41, 94), ...range(97, 130)]),
    'jobmanager-delete',
  );
  expect(gap.ok).toBe(false);
  expect(gap.evidence).toContain('1 breaks (94 → 97)');
  const silent = rolledBack(
    written((k) => (k === 3 ? [] : replayedOnce())),
    'jobmanager-delete',
  );
  expect(silent.ok).toBe(false);
  expect(silent.evidence).toContain('key 3: - … -, 0 breaks');
});

/**
 * `steady` (upgrade-session-cluster: the job stopped with a savepoint, resumed on the new cluster, in its folder):
 * every count from the start rises by 1, and every key has counts after the operation's end mark.
 */
function carriedOver(during: (key: number) => number[], after: (key: number) => number[]) {
  const run = written(during);
  const mark = markOutput(dir);
  for (let k = 0; k < counterKeys; k++) appendFileSync(path.join(dir, 'counts-1.txt'), lines(after(k), k));
  return (fault: FaultName) =>
    continuityInvariant({ kind: continuityUnder('steady', fault), outcome: 'succeeded', fault, run: { ...run, mark } });
}

test('steady: the resumed job continues every key by 1 after the end mark', () => {
  const result = carriedOver(
    () => range(41, 60),
    () => range(61, 70),
  )('worker-sigkill');
  expect(result).toMatchObject({ name: 'continuity', ok: true });
  expect(result.evidence).toContain('steady (exact)');
});

test('steady: a count lost or repeated across the resume fails', () => {
  expect(
    carriedOver(
      () => range(41, 60),
      () => range(63, 70),
    )('worker-sigkill').ok,
  ).toBe(false);
  const again = carriedOver(
    () => range(41, 60),
    (k) => (k === 3 ? range(55, 70) : range(61, 70)),
  )('worker-sigkill');
  expect(again.ok).toBe(false);
  expect(again.evidence).toContain('key 3: 41 … 70, 1 breaks (60 → 55)');
});

test('steady: a key with no counts after the operation (the job not resumed) fails', () => {
  const result = carriedOver(
    () => range(41, 60),
    (k) => (k === 1 ? [] : range(61, 70)),
  )('worker-sigkill');
  expect(result.ok).toBe(false);
  expect(result.evidence).toContain('no counts after the operation of keys 1');
});

/** A cancel that stopped a run short: the job that ran before goes on in `before` (issue 12, fault `cancel`). */
const stopped = (run: Pick<RunContext, 'before' | 'after' | 'startMark'>, kind: 'exact' | 'checkpoint' | 'fresh') =>
  continuityInvariant({ kind, outcome: 'cancelled', fault: 'cancel', run, stoppedShort: 'running' });

test('stopped short by a cancel: the job goes on exactly; a step back only when its state is a checkpoint', () => {
  expect(
    stopped(
      written(() => range(41, 90)),
      'exact',
    ),
  ).toMatchObject({ ok: true });
  expect(
    stopped(
      written(() => replayedOnce()),
      'exact',
    ).ok,
  ).toBe(false);
  expect(
    stopped(
      written(() => replayedOnce()),
      'checkpoint',
    ),
  ).toMatchObject({ ok: true });
  // Starting over is never a cancel's doing, but for a stateless job (the user's choice), which must count again.
  expect(
    stopped(
      written(() => range(1, 30)),
      'exact',
    ).ok,
  ).toBe(false);
  expect(
    stopped(
      written(() => range(1, 30)),
      'fresh',
    ),
  ).toMatchObject({ ok: true });
  expect(
    stopped(
      written(() => []),
      'fresh',
    ).ok,
  ).toBe(false);
});

test('stopped short from a suspended or never-deployed application: no job state to compare', () => {
  const run = written(() => []);
  const result = continuityInvariant({
    kind: 'exact',
    outcome: 'cancelled',
    fault: 'cancel',
    run,
    stoppedShort: 'none',
  });
  expect(result).toMatchObject({ ok: true, evidence: expect.stringContaining('started none') });
});

/**
 * A failover Flink reports (the watcher's `restores`): rollback-auto-blue-green/Savepointing/node-agent-restart
 * and upgrade-session-cluster/Savepointing/kube-reset failed the exact rules although Flink had restored its
 * own latest checkpoint (each key back by 5, by ~30). With Flink's word for it, such a step back passes; without
 * it, or going back before the operation's start, it fails.
 */
const failover: FlinkRestore = {
  jobId: 'f0a1b2c3d4e5f60718293a4b5c6d7e8f',
  checkpointId: 36,
  isSavepoint: false,
  restoredAt: Date.UTC(2026, 11, 5, 21, 34, 12),
  failover: true,
};

test('rolled back after a failover Flink reported: the replay since its checkpoint passes, and is named', () => {
  const run = written(() => replayedOnce());
  const result = continuityInvariant({
    kind: 'continues',
    outcome: 'rolled-back',
    fault: 'node-agent-restart',
    run,
    failovers: [failover],
  });
  expect(result).toMatchObject({ name: 'continuity', ok: true });
  expect(result.evidence).toContain('Flink failed over: job f0a1b2c3 to checkpoint 36 at 21:34:12');
  expect(rolledBack(run, 'node-agent-restart').ok).toBe(false);
});

test('a failover does not excuse going back before the operation started, nor starting over', () => {
  const judge = (after: (key: number) => number[]) =>
    continuityInvariant({
      kind: 'continues',
      outcome: 'rolled-back',
      fault: 'kube-reset',
      run: written(after),
      failovers: [failover],
    });
  expect(judge((k) => (k === 1 ? [...range(41, 94), ...range(30, 130)] : replayedOnce())).ok).toBe(false);
  expect(judge((k) => (k === 1 ? [...range(41, 94), ...range(1, 130)] : replayedOnce())).ok).toBe(false);
});

test('steady after a failover Flink reported: the step back passes; the same counts without it fail', () => {
  const during = () => [...range(41, 60), ...range(55, 60)];
  const run = written(during);
  const mark = markOutput(dir);
  for (let k = 0; k < counterKeys; k++) appendFileSync(path.join(dir, 'counts-1.txt'), lines(range(61, 70), k));
  const judge = (failovers: FlinkRestore[]) =>
    continuityInvariant({
      kind: 'steady',
      outcome: 'succeeded',
      fault: 'kube-reset',
      run: { ...run, mark },
      failovers,
    });
  expect(judge([failover])).toMatchObject({ ok: true });
  expect(judge([]).ok).toBe(false);
});

/** An exact upgrade (its new job in its own folder) whose old job failed over before its stop-with-savepoint. */
function upgraded(oldAfterStart: number[], firstNew: number) {
  const old = mkdtempSync(path.join(dir, 'old-'));
  const next = mkdtempSync(path.join(dir, 'new-'));
  const keys = range(0, counterKeys - 1);
  writeFileSync(path.join(old, 'counts-1.txt'), keys.map((k) => lines(range(1, 40), k)).join(''));
  const startMark = markOutput(old);
  appendFileSync(path.join(old, 'counts-1.txt'), keys.map((k) => lines(oldAfterStart, k)).join(''));
  writeFileSync(path.join(next, 'counts-1.txt'), keys.map((k) => lines(range(firstNew, firstNew + 9), k)).join(''));
  return (failovers: FlinkRestore[]) =>
    continuityInvariant({
      kind: 'exact',
      outcome: 'succeeded',
      fault: 'kube-reset',
      run: { before: old, after: next, startMark },
      failovers,
    });
}

test('exact after a failover Flink reported: the savepoint may be behind the last count, not before the start', () => {
  // The old job wrote up to 60, failed over to a checkpoint at 52 and stopped with its savepoint at 55.
  const behind = upgraded([...range(41, 60), ...range(53, 55)], 56);
  expect(behind([failover])).toMatchObject({ ok: true });
  expect(behind([failover]).evidence).toContain('exact or a step back to a failover');
  expect(behind([]).ok).toBe(false);
  // The new job continuing state older than the operation's start (count 40) fails even so.
  expect(upgraded([...range(41, 60)], 35)([failover]).ok).toBe(false);
  expect(upgraded([...range(41, 60)], 61)([])).toMatchObject({ ok: true });
});
