/** One run of one cell, as the harness appends it to the results file (JSON lines) and the report reads it. */
import { appendFileSync, mkdirSync } from 'node:fs';
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

/** Where results go: FD_FAULTS_RESULTS, else docs/reliability-results.jsonl. */
export function resultsFile(root: string): string {
  return process.env.FD_FAULTS_RESULTS ?? path.join(root, 'docs', 'reliability-results.jsonl');
}

export function appendResult(file: string, result: RunResult): void {
  mkdirSync(path.dirname(file), { recursive: true });
  appendFileSync(file, JSON.stringify(result) + '\n');
}
