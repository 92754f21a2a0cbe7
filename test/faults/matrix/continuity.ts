/**
 * The `continuity` invariant of the fault matrix (issue 12), from the counter job's output files alone (no
 * stack: it is unit-tested on folders it writes): what each key's counts must show after the operation.
 */
import { countsByKey, counterKeys } from '../../../scripts/lib/counter-app';
import type { FlinkRestore } from '../../support/two-jobs-watcher';
import type { FaultName } from './cells';
import type { Continuity, RunContext } from './operations';
import { lastCounts } from './output-counts';
import type { InvariantResult } from './results';

/**
 * A fault after which Flink recovers the job from its latest checkpoint (Kubernetes HA: the JobManager pod
 * deleted) and the job writes again the counts it had written since that checkpoint (the sink is not
 * transactional).
 */
export function replaysFromCheckpoint(fault: FaultName): boolean {
  return fault === 'jobmanager-delete';
}

/**
 * The continuity a fault leaves. A JobManager deleted before the savepoint fails the old job over to its
 * last checkpoint, and it writes again counts it had written, so the savepoint can hold a count below the
 * highest one written: `exact` is then `checkpoint` (no key starts over, none continues past the last
 * written + 1; restored-from-recorded still checks Flink's restore). A rolled-back run is judged by
 * `rolledBackContinuity`, which takes the same relaxation from the fault.
 */
export function continuityUnder(kind: Continuity, fault: FaultName): Continuity {
  return kind === 'exact' && replaysFromCheckpoint(fault) ? 'checkpoint' : kind;
}

export interface ContinuityInput {
  /** What the scenario asks for, under the fault (`continuityUnder`). */
  kind: Continuity;
  /** The CLI's outcome: `rolled-back` continues `before` (its own rule). */
  outcome: string | undefined;
  fault: FaultName;
  run: Pick<RunContext, 'before' | 'after' | 'mark' | 'startMark'>;
  /**
   * Set when a cancel stopped the run short of its operation's outcome: where the application started. A job
   * that ran goes on in `before` (untouched, or brought back as a rollback); none that did not.
   */
  stoppedShort?: 'running' | 'suspended' | 'none';
  /**
   * Restores Flink reported during the operation of a job that was running before them (the watcher's
   * `restores` that are `failover`s): a job Flink failed over writes again the counts since its checkpoint,
   * which the issue's invariant allows ("none goes back further than the state it restored from"). Only with
   * this evidence does an exact mode take a step back, never further back than the key's count when the
   * operation started.
   */
  failovers?: FlinkRestore[];
}

/** Flink's failovers as the evidence names them. */
function failoverText(failovers: FlinkRestore[]): string {
  const at = (ms: number) => new Date(ms).toISOString().slice(11, 19);
  const to = (f: FlinkRestore) => `${f.isSavepoint ? 'savepoint' : 'checkpoint'} ${f.checkpointId}`;
  return failovers.map((f) => `job ${f.jobId.slice(0, 8)} to ${to(f)} at ${at(f.restoredAt)}`).join(', ');
}

const inv = (ok: boolean, evidence: string): InvariantResult => ({ name: 'continuity', ok, evidence });

/** State continuity from the job's output (see `Continuity` in operations.ts). */
export function continuityInvariant(o: ContinuityInput): InvariantResult {
  const { before, after, mark } = o.run;
  const failedOver = !!o.failovers?.length;
  const kind = o.kind;
  if (o.stoppedShort) return stoppedShortContinuity(o);
  if (kind === 'none') return inv(true, 'nothing runs afterwards');
  if (o.outcome === 'rolled-back') return rolledBackContinuity(o);
  if (kind === 'steady') return steadyContinuity(o);
  const sameDir = before === after;
  const lastOld = sameDir ? (mark ? lastCounts(before, mark) : new Map<number, number>()) : lastCounts(before);
  const next = sameDir ? countsByKey(before, mark) : countsByKey(after);
  const rows = Array.from({ length: counterKeys }, (_, key) => {
    const counts = next.get(key) ?? [];
    return { key, counts, first: counts[0], lastOld: lastOld.get(key), ones: counts.filter((c) => c === 1).length };
  });
  // A Flink failover during the operation: the state it stopped with may be that of a checkpoint newer than the
  // operation's start, behind the last count written (never further back: see `failovers`).
  const atStart = failedOver ? lastCounts(before, o.run.startMark) : new Map<number, number>();
  const describe =
    rows
      .map(
        (r) =>
          `key ${r.key}: last before ${r.lastOld ?? '-'}, first after ${r.first ?? '-'} ` +
          `(${r.counts.length} new, ${r.ones} × 1${failedOver ? `, at start ${atStart.get(r.key) ?? '-'}` : ''})`,
      )
      .join('; ') + (failedOver ? `; Flink failed over: ${failoverText(o.failovers!)}` : '');
  const missing = rows.filter((r) => r.counts.length === 0).map((r) => r.key);
  if (missing.length) return inv(false, `no new counts of keys ${missing.join(', ')}; ${describe}`);
  // A key starts (count 1) once in a fresh job, never after a restore or within a job that kept its state.
  const startsAllowed = kind === 'fresh' || lastOld.size === 0 ? 1 : 0;
  const startedOver = rows.filter((r) => r.ones > startsAllowed);
  const ok =
    startedOver.length === 0 &&
    rows.every((r) => {
      if (kind === 'exact' && failedOver)
        return r.first! <= (r.lastOld ?? 0) + 1 && r.first! - 1 >= (atStart.get(r.key) ?? 0);
      if (kind === 'exact') return r.first === (r.lastOld ?? 0) + 1;
      if (kind === 'checkpoint') return r.first! > 1 && r.first! <= (r.lastOld ?? 0) + 1;
      if (kind === 'fresh') return r.first === 1;
      return true;
    });
  return inv(ok, `${kind}${kind === 'exact' && failedOver ? ' or a step back to a failover' : ''}: ${describe}`);
}

/**
 * Rolled back: the last stable version restores the savepoint its own job stopped with, writing to `before`
 * again, so from the operation's start every key's counts there rise by exactly 1 a line: nothing lost,
 * nothing counted twice, nothing started over.
 *
 * Under a fault Flink recovers from (`replaysFromCheckpoint`: the JobManager deleted), a job restored from
 * its latest checkpoint writes again the counts since it: a key may step back once per recovery, then rise
 * by 1 a line again. The step never goes back further than the state restored: its first count is above 1
 * (never started over), and the state it continues (first count − 1) is no older than the key's count when
 * the operation started (the job ran checkpointing every 2 s, and the fault lands phases later) nor than
 * the state an earlier recovery restored (a later checkpoint holds newer state). Never a gap forward.
 */
function rolledBackContinuity(o: ContinuityInput): InvariantResult {
  const { ok, rule, describe } = risesByOne(o);
  return inv(ok, `rolled back (${rule}), ${o.run.before} from the operation's start: ${describe}`);
}

/**
 * Stopped short by a cancel, from a running job: it goes on in `before`, from the operation's start every key's
 * counts rising by 1 a line (`risesByOne`: the job untouched, or its last stable version restored from the
 * savepoint it stopped with). A job whose state comes from a checkpoint (last-state, a rescale) may step back as
 * a replay does; a stateless one starts over by the user's choice (only: every key counts again). From a
 * suspended or never-deployed application: nothing to compare (the end state and the next operation judge it).
 */
function stoppedShortContinuity(o: ContinuityInput): InvariantResult {
  if (o.stoppedShort !== 'running')
    return inv(true, `stopped short, started ${o.stoppedShort}: no job's state to compare`);
  if (o.kind === 'fresh') {
    const next = countsByKey(o.run.before, o.run.startMark);
    const silent = Array.from({ length: counterKeys }, (_, key) => key).filter((key) => !next.get(key)?.length);
    return inv(
      silent.length === 0,
      `stopped short, stateless: ${silent.length ? `no new counts of keys ${silent.join(', ')}` : 'every key counts'}`,
    );
  }
  const { ok, rule, describe } = risesByOne(o, o.kind === 'checkpoint');
  return inv(ok, `stopped short (${rule}), ${o.run.before} from the operation's start: ${describe}`);
}

/**
 * Carried over (a session cluster's upgrade: its job stopped with a savepoint, resumed from it on the new
 * cluster, writing on in the same folder): from the operation's start every key's counts rise by exactly 1 a line,
 * as for a rollback, and every key has counts written after the operation ended (the resumed job's).
 */
function steadyContinuity(o: ContinuityInput): InvariantResult {
  const { ok, rule, describe } = risesByOne(o);
  const after = countsByKey(o.run.before, o.run.mark);
  const silent = Array.from({ length: counterKeys }, (_, key) => key).filter((key) => !after.get(key)?.length);
  const since = silent.length ? `; no counts after the operation of keys ${silent.join(', ')}` : '';
  return inv(
    ok && !!o.run.mark && silent.length === 0,
    `steady (${rule}), ${o.run.before} from the operation's start: ${describe}${o.run.mark ? since : '; no end mark'}`,
  );
}

/** From the operation's start, every key's counts in the first folder rise by 1 a line (`rolledBackContinuity`). */
function risesByOne(o: ContinuityInput, fromCheckpoint = false): { ok: boolean; rule: string; describe: string } {
  const failedOver = !!o.failovers?.length;
  const replays = fromCheckpoint || replaysFromCheckpoint(o.fault) || failedOver;
  const next = countsByKey(o.run.before, o.run.startMark);
  const atStart = o.run.startMark ? lastCounts(o.run.before, o.run.startMark) : new Map<number, number>();
  const rows = Array.from({ length: counterKeys }, (_, key) => {
    const counts = next.get(key) ?? [];
    const replayed: string[] = [];
    const breaks: string[] = [];
    // The oldest state a recovery may continue from: the key's count when the operation started.
    let floor = atStart.get(key) ?? 0;
    // The first count after the start follows the last one before it (a job started over from 1 breaks there).
    const chain = atStart.has(key) ? [atStart.get(key)!, ...counts] : counts;
    chain.slice(1).forEach((c, i) => {
      const prev = chain[i]!;
      if (c === prev + 1) return;
      if (replays && c > 1 && c <= prev && c - 1 >= floor) {
        replayed.push(`${prev} → ${c}`);
        floor = c - 1;
      } else breaks.push(`${prev} → ${c}`);
    });
    return { key, counts, replayed, breaks };
  });
  const ok = rows.every((r) => r.counts.length > 0 && r.breaks.length === 0);
  const describe = rows
    .map(
      (r) =>
        `key ${r.key}: ${r.counts[0] ?? '-'} … ${r.counts[r.counts.length - 1] ?? '-'}, ` +
        `${r.breaks.length} breaks${r.breaks.length ? ` (${r.breaks.join(', ')})` : ''}` +
        (r.replayed.length ? `, replayed from a checkpoint ${r.replayed.join(', ')}` : '') +
        (atStart.has(r.key) ? `, at start ${atStart.get(r.key)}` : ''),
    )
    .join('; ');
  const why = fromCheckpoint
    ? 'state from a checkpoint'
    : failedOver
      ? `Flink failed over: ${failoverText(o.failovers!)}`
      : 'JobManager deleted';
  const rule = replays ? `a replay from a checkpoint allowed (${why})` : 'exact';
  return { ok, rule, describe };
}
