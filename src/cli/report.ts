/** Prints how a started or followed operation ended, for people (stderr) and machines (stdout). */
import type { NoteJson } from './notes-view';
import type { AppRef } from '../contract/app';
import { FailureType } from '../contract/failures';
import { outcomeOfFailure, type Outcome } from '../contract/operations';
import { ExitCode } from './exit-codes';
import type { FollowEnd } from './follow-operation';
import { cancelHint, followHint, statusHint } from './links';
import type { Output } from './output';
import { formatDuration } from '../config/durations';
import { WaitEnd } from './waiting';

/** The run a report is about. */
export interface RunRef {
  app: AppRef;
  workflowId: string;
  runId?: string;
  url: string;
}

/** The JSON document of an operation command (`--output json`). */
export interface OperationJson {
  app: AppRef;
  workflowId: string;
  runId?: string;
  url: string;
  /** `started` (not waited for), `running` (stopped waiting), or how the run closed. */
  status: string;
  waited: boolean;
  timedOut: boolean;
  interrupted: boolean;
  operation?: string;
  phase?: string;
  outcome?: string;
  message?: string;
  jobId?: string;
  savepoint?: string;
  restoredFrom?: string;
  disposed?: string[];
  failureType?: string;
  exitCode: number;
}

/**
 * The outcome of a run that closed without a result of its own (its failure is an activity's, or Temporal's
 * cancellation), by the rule the workflow recorded it with. Never for a run still open, terminated or timed out
 * (no outcome was recorded).
 */
function outcomeOfEnd(end: FollowEnd | undefined): Outcome | undefined {
  if (end?.status !== 'cancelled' && end?.status !== 'failed') return undefined;
  return outcomeOfFailure({ cancelled: end.status === 'cancelled', failureType: end.failure?.type });
}

/** The JSON document of a followed run. */
/** `document` with `notes` when there are any. */
export function withNotes<T extends object>(document: T, notes: readonly NoteJson[] | undefined): T {
  return notes && notes.length > 0 ? { ...document, notes } : document;
}

export function operationJson(run: RunRef, end: FollowEnd | undefined): OperationJson {
  const result = end?.result;
  return {
    app: run.app,
    workflowId: run.workflowId,
    runId: run.runId,
    url: run.url,
    status: end ? end.status : 'started',
    waited: end !== undefined,
    timedOut: end?.stoppedWaiting === WaitEnd.TimedOut,
    interrupted: end?.stoppedWaiting === WaitEnd.Interrupted,
    operation: result?.operation ?? end?.progress?.operation,
    phase: end?.progress?.phase,
    outcome: result?.outcome ?? outcomeOfEnd(end),
    message: end?.failure?.message ?? result?.message,
    jobId: result?.jobId,
    savepoint: result?.savepoint,
    restoredFrom: result?.restoredFrom,
    disposed: result?.disposed,
    failureType: end?.failure?.type,
    exitCode: end?.exitCode ?? ExitCode.Success,
  };
}

/** After an operation that did not succeed, the way on: there is always one (docs/recovery.md). */
function nextLine(end: FollowEnd, app: AppRef, refusedNext?: string): string | undefined {
  if (end.exitCode === ExitCode.Success) return undefined;
  if (refusedNext && end.failure?.type === FailureType.InvalidSpec) return `  next: ${refusedNext}`;
  if (end.exitCode === ExitCode.RolledBack)
    return `  next: fix the manifest and apply it again (the last stable spec runs; ${statusHint(app)} shows it)`;
  if (end.failure?.type === FailureType.NothingToDo) return `  next: ${statusHint(app)} shows what is deployed`;
  // Nothing was written (the lock is a ConfigMap in that namespace): the namespace is what is missing.
  if (end.failure?.message.includes(`namespaces "${app.namespace}" not found`))
    return (
      `  next: create the namespace (kubectl create namespace ${app.namespace}) with the worker's Role and Flink's ` +
      `ServiceAccount in it (docs/rbac.md; the chart's \`namespaces\`), then apply again`
    );
  return `  next: ${statusHint(app)} names the command that leads on (docs/recovery.md)`;
}

function closedLine(end: FollowEnd): string {
  const result = end.result;
  const operation = result?.operation ?? end.progress?.operation ?? 'operation';
  const facts = [
    result?.jobId && `job ${result.jobId}`,
    result?.savepoint && `savepoint ${result.savepoint}`,
    result?.restoredFrom && `restored from ${result.restoredFrom}`,
  ]
    .filter(Boolean)
    .join(', ');
  const tail = facts ? ` (${facts})` : '';
  switch (end.exitCode) {
    case ExitCode.Success:
      return `✔ ${operation} ${result?.outcome ?? 'succeeded'}: ${result?.message ?? ''}${tail}`;
    case ExitCode.RolledBack:
      return (
        `↺ ${operation} failed and was rolled back to the last stable spec: ` +
        `${end.failure?.message ?? result?.message ?? ''}${tail}`
      );
    default:
      return (
        `✘ ${operation} ${result?.outcome ?? end.status}${end.failure?.type ? ` [${end.failure.type}]` : ''}: ` +
        `${end.failure?.message ?? result?.message ?? ''}${tail}`
      );
  }
}

/** Prints the end of a followed run (stderr) and its JSON (stdout with --output json). */
export function reportEnd(input: {
  output: Output;
  run: RunRef;
  end: FollowEnd;
  timeoutMs?: number;
  /** The manifest's notes (what is ignored), carried in the JSON document. */
  notes?: readonly NoteJson[];
  /** The way on when the worker refused the input (InvalidSpec), as the command that asked knows it. */
  refusedNext?: string;
}): void {
  const { output, run, end } = input;
  if (end.stoppedWaiting === WaitEnd.TimedOut) {
    output.say(
      `timed out after ${formatDuration(input.timeoutMs ?? 0)} waiting for ` +
        `${run.workflowId}${end.progress ? ` (phase ${end.progress.phase})` : ''}; the operation goes on.`,
    );
    output.say(`  follow it with: ${followHint(run.app)}\n  or open: ${run.url}`);
  } else if (end.stoppedWaiting === WaitEnd.Interrupted) {
    output.say(
      `stopped waiting (Ctrl-C or SIGTERM). The operation was NOT cancelled and goes ` +
        `on${end.progress ? ` (phase ${end.progress.phase})` : ''}.`,
    );
    output.say(
      `  follow it with: ${followHint(run.app)}\n  cancel it with: ${cancelHint(run.app)}\n  or open: ${run.url}`,
    );
  } else {
    output.say(closedLine(end));
    output.say(`  ${run.url}`);
    const next = nextLine(end, run.app, input.refusedNext);
    if (next) output.say(next);
  }
  output.data(withNotes(operationJson(run, end), input.notes), () => '');
}
