/**
 * Which runs one matrix invocation makes: each selected cell `repeat` times; with `--resume`, less the runs
 * the results already count; with `--lanes N`, lane k's share (every N-th run from the k-th), each lane on
 * a fault stack of its own (`scripts/faults-stack.sh up k`; the lane is FD_FAULTS_LANE=k/N).
 */
import { cellId, selectCells, StackFaults, type Cell } from './cells';
import { readResults, resultsDir, runKey, runVerdict, type RunResult } from './results';

export interface PlannedRun {
  id: string;
  /** 1-based: the run's place among the cell's counted runs. */
  n: number;
  cell: Cell;
}

export interface Lane {
  /** 1-based. */
  index: number;
  count: number;
}

/** FD_FAULTS_LANE, `k/N` (1 ≤ k ≤ N); undefined when unset. */
export function parseLane(value: string | undefined): Lane | undefined {
  if (!value?.trim()) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || index < 1 || index > count) {
    throw new Error(`FD_FAULTS_LANE: "${value}" is not k/N with 1 ≤ k ≤ N (the second of three lanes: 2/3)`);
  }
  return { index, count };
}

/**
 * Counted runs of each cell, as the report counts them: a run whose fault did not land is none, and a run
 * read twice (a lane's file already filed into the results directory) is one.
 */
export function countedRuns(results: RunResult[]): Map<string, number> {
  const seen = new Set<string>();
  const counts = new Map<string, number>();
  for (const r of results) {
    const key = runKey(r);
    if (seen.has(key) || runVerdict(r) === 'not-landed') continue;
    seen.add(key);
    counts.set(r.cell, (counts.get(r.cell) ?? 0) + 1);
  }
  return counts;
}

/** Each cell's runs up to `repeat`, less those `done` counts; of them, the lane's share. */
export function planRuns(
  cells: Cell[],
  repeat: number,
  { done, lane }: { done?: Map<string, number>; lane?: Lane } = {},
): PlannedRun[] {
  const runs = cells.flatMap((cell) => {
    const id = cellId(cell);
    const before = Math.min(done?.get(id) ?? 0, repeat);
    return Array.from({ length: repeat - before }, (_, i) => ({ id, n: before + i + 1, cell }));
  });
  return lane ? runs.filter((_, i) => i % lane.count === lane.index - 1) : runs;
}

/**
 * The runs the environment asks for (FD_FAULTS_ONLY, FD_FAULTS_REPEAT, FD_FAULTS_RESUME=1, FD_FAULTS_LANE),
 * the stack faults only on a stack of the harness's own. Resuming counts the runs in the results directory
 * and in FD_FAULTS_RESULTS (a lane's file not yet filed).
 */
export function plannedRuns(env: NodeJS.ProcessEnv, root: string, ownStack: boolean): PlannedRun[] {
  const repeat = Number(env.FD_FAULTS_REPEAT ?? '3');
  if (!Number.isInteger(repeat) || repeat < 1) {
    throw new Error(`FD_FAULTS_REPEAT: "${env.FD_FAULTS_REPEAT}" is not a whole number ≥ 1`);
  }
  const cells = selectCells(env.FD_FAULTS_ONLY).filter((c) => !StackFaults.includes(c.fault) || ownStack);
  const done =
    env.FD_FAULTS_RESUME === '1'
      ? countedRuns([
          ...readResults(resultsDir(root)),
          ...(env.FD_FAULTS_RESULTS ? readResults(env.FD_FAULTS_RESULTS) : []),
        ])
      : undefined;
  return planRuns(cells, repeat, { done, lane: parseLane(env.FD_FAULTS_LANE) });
}
