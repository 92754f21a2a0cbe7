/** One run of one cell, as the harness appends it to the results file (JSON lines) and the report reads it. */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface InvariantResult {
  name: string;
  ok: boolean;
  /** What was seen (from Flink, Kubernetes, the job's output), for the report. */
  evidence: string;
}

export interface RunResult {
  cell: string;
  /** 1-based repetition. */
  run: number;
  startedAt: string;
  seconds: number;
  commit: string;
  /** The phase the run was in when the fault landed (the server's FlinkPhase, or the record's). */
  phaseAtFault?: string;
  fault?: string;
  exitCode?: number;
  outcome?: string;
  /** Every invariant held (a run whose fault did not land is still no pass of its cell: `runVerdict`). */
  passed: boolean;
  /**
   * False when the fault's own description says it touched nothing (`faultLanded`): the proxy hit 0 calls,
   * the SIGSTOP 0 processes, no JobManager pod was there to delete. Unset in runs recorded before it was.
   */
  faultLanded?: boolean;
  invariants: InvariantResult[];
  /** The harness could not run the cell (point not reached, set-up failed): neither pass nor invariant. */
  error?: string;
}

/**
 * Whether a fault landed, from the description its injector returned (faults.ts): false when it says it
 * touched nothing, undefined when there is no description (the run never got to its fault).
 */
export function faultLanded(description: string | undefined): boolean | undefined {
  if (description === undefined) return undefined;
  return !/: 0 calls hit\b|\bof 0 processes\b|none \(none was there\)|: nothing to (cancel|terminate)\b/.test(
    description,
  );
}

/**
 * A run as the report counts it: `passed` only when every invariant held and its fault landed; a run whose
 * invariants held but whose fault did not land proves nothing of its cell (`not-landed`: neither a pass
 * nor a failure); any failed invariant or error is `failed`, landed or not (it failed without the fault).
 */
export function runVerdict(r: RunResult): 'passed' | 'failed' | 'not-landed' {
  if (!r.passed) return 'failed';
  return (r.faultLanded ?? faultLanded(r.fault)) === false ? 'not-landed' : 'passed';
}

/**
 * The results kept in the repository: one JSON-lines file per operation (`<operation>.jsonl`), so no file
 * grows past a few hundred KiB as the matrix fills (every cell's 3 runs with their evidence).
 */
export function resultsDir(root: string): string {
  return path.join(root, 'docs', 'reliability-results');
}

/** Where a run of `operation` goes: FD_FAULTS_RESULTS (one file for every run), else its operation's file. */
export function resultsFile(root: string, operation: string): string {
  return process.env.FD_FAULTS_RESULTS ?? path.join(resultsDir(root), `${operation}.jsonl`);
}

export function appendResult(file: string, result: RunResult): void {
  mkdirSync(path.dirname(file), { recursive: true });
  appendFileSync(file, JSON.stringify(result) + '\n');
}

/** Every run in a results file, or in every `.jsonl` file of a directory (in name order). */
export function readResults(fileOrDir: string): RunResult[] {
  if (!existsSync(fileOrDir)) return [];
  const files = statSync(fileOrDir).isDirectory()
    ? readdirSync(fileOrDir)
        .filter((f) => f.endsWith('.jsonl'))
        .sort()
        .map((f) => path.join(fileOrDir, f))
    : [fileOrDir];
  return files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l, i) => {
        try {
          return JSON.parse(l) as RunResult;
        } catch (e) {
          throw new Error(`${f}:${i + 1}: not a JSON run (${(e as Error).message})`);
        }
      }),
  );
}

/** One run's identity: the same run read from two files (a lane's, and the directory it was filed into) is one. */
export const runKey = (r: RunResult): string => `${r.cell} ${r.run} ${r.startedAt}`;

/**
 * Files runs (a lane's FD_FAULTS_RESULTS file, say) into `dir`, each in its operation's file; a run already
 * there (same cell, run and start) is not filed again. Returns how many were filed.
 */
export function fileResults(runs: RunResult[], dir: string): number {
  const filed = new Set(readResults(dir).map(runKey));
  let count = 0;
  for (const r of runs) {
    if (filed.has(runKey(r))) continue;
    filed.add(runKey(r));
    appendResult(path.join(dir, `${r.cell.split('/')[0]}.jsonl`), r);
    count++;
  }
  return count;
}
