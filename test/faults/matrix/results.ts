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
  passed: boolean;
  invariants: InvariantResult[];
  /** The harness could not run the cell (point not reached, set-up failed): neither pass nor invariant. */
  error?: string;
}

/** Where results go: FD_FAULTS_RESULTS, else docs/reliability-results.jsonl. */
export function resultsFile(root: string): string {
  return process.env.FD_FAULTS_RESULTS ?? path.join(root, 'docs', 'reliability-results.jsonl');
}

export function appendResult(file: string, result: RunResult): void {
  mkdirSync(path.dirname(file), { recursive: true });
  appendFileSync(file, JSON.stringify(result) + '\n');
}
