/**
 * Follows a running operation: polls the `progress` query, prints one timestamped line per
 * phase, and ends when the workflow closes, the timeout passes, or Ctrl-C is pressed.
 */
import { causeChain } from '../contract/errors';
import type { WorkflowHandle } from '@temporalio/client';
import type { AppRef } from '../contract/app';
import type { OperationResult } from '../contract/operations';
import type { Progress } from '../contract/progress';
import { ExitCode, exitCodeForFailureType, exitCodeForOutcome } from './exit-codes';
import { progressModule, temporalClient, temporalCommon } from './lazy-modules';
import type { Output } from './output';
import type { TemporalSession } from './temporal-client';
import { WaitEnd, type Waiting } from './waiting';

/** How a followed operation ended (or how the following ended). */
export interface FollowEnd {
  /**
   * `completed`, `failed`, `cancelled`, `terminated`, `timed-out` (the workflow), or `running`
   * when we stopped waiting.
   */
  status: string;
  /** Set when we stopped waiting while the operation goes on. */
  stoppedWaiting?: WaitEnd;
  result?: OperationResult;
  failure?: { type?: string; message: string };
  /** The last progress seen. */
  progress?: Progress;
  exitCode: ExitCode;
}

/** Input of `followOperation`. */
export interface FollowInput {
  session: TemporalSession;
  output: Output;
  app: AppRef;
  workflowId: string;
  runId?: string;
  waiting: Waiting;
}

/**
 * How long one `progress` query may take: a query needs a worker to answer, and a CLI that
 * waits longer than a few seconds for one line of progress looks hung.
 */
export const PROGRESS_QUERY_TIMEOUT_MS = 3_000;
/** Bounds of the query timeout while following: at least 1 s, at most 5 s, else the poll interval. */
const FOLLOW_QUERY_MIN_MS = 1_000;
const FOLLOW_QUERY_MAX_MS = 5_000;

async function queryProgress(
  session: TemporalSession,
  handle: WorkflowHandle,
  timeoutMs: number,
): Promise<Progress | undefined> {
  try {
    return await session.connection.withDeadline(Date.now() + timeoutMs, () =>
      handle.query(progressModule().progressQuery),
    );
  } catch {
    return undefined;
  }
}

function failureOf(err: unknown): { type?: string; message: string; details?: unknown[]; cancelled?: boolean } {
  const { WorkflowFailedError } = temporalClient();
  const { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } = temporalCommon();
  for (const e of causeChain(err instanceof WorkflowFailedError ? err.cause : err)) {
    if (e instanceof ApplicationFailure)
      return { type: e.type ?? undefined, message: e.message, details: e.details ?? undefined };
    if (e instanceof CancelledFailure)
      return { type: 'Cancelled', message: 'the operation was cancelled', cancelled: true };
    if (e instanceof TerminatedFailure) return { type: 'Terminated', message: 'the workflow was terminated' };
    if (e instanceof TimeoutFailure) return { type: 'WorkflowTimedOut', message: 'the workflow timed out' };
  }
  return { message: err instanceof Error ? err.message : String(err) };
}

function isOperationResult(value: unknown): value is OperationResult {
  return typeof value === 'object' && value !== null && 'outcome' in value && 'operation' in value;
}

/** The end of a closed workflow: its result or its failure, and the exit code. */
export async function closedEnd(handle: WorkflowHandle, status: string, progress?: Progress): Promise<FollowEnd> {
  try {
    const result = (await handle.result()) as OperationResult;
    return { status: 'completed', result, progress, exitCode: exitCodeForOutcome(result.outcome) };
  } catch (err) {
    const failure = failureOf(err);
    const detail = failure.details?.find(isOperationResult) ?? progress?.result;
    return {
      status: status.toLowerCase(),
      result: detail,
      progress,
      failure: { type: failure.type, message: failure.message },
      exitCode: exitCodeForFailureType(failure.type),
    };
  }
}

/** Follows the operation until it closes or the wait ends. */
export async function followOperation(input: FollowInput): Promise<FollowEnd> {
  const { session, output, waiting } = input;
  const handle = session.client.workflow.getHandle(input.workflowId, input.runId);
  const pollMs = session.settings.pollIntervalMs;
  let printed = 0;
  let last: Progress | undefined;
  const print = (progress: Progress | undefined): void => {
    if (!progress) return;
    last = progress;
    for (const entry of progress.phases.slice(printed)) output.progress(entry.at, entry.phase, entry.details ?? '');
    printed = Math.max(printed, progress.phases.length);
    output.status(`${progress.phase}: ${progress.details}`);
  };
  for (;;) {
    let status: string;
    try {
      status = (await handle.describe()).status.name;
    } catch (err) {
      if (waiting.endedBy) break;
      throw err;
    }
    if (status !== 'RUNNING') {
      print(await queryProgress(session, handle, PROGRESS_QUERY_TIMEOUT_MS));
      return closedEnd(handle, status, last);
    }
    const progress = await queryProgress(
      session,
      handle,
      Math.min(FOLLOW_QUERY_MAX_MS, Math.max(FOLLOW_QUERY_MIN_MS, pollMs)),
    );
    if (progress) print(progress);
    else output.status(`waiting for a worker on task queue ${session.settings.taskQueue} to pick it up`);
    if (waiting.endedBy) break;
    await waiting.sleep(pollMs);
    if (waiting.endedBy) break;
  }
  const stoppedWaiting = waiting.endedBy ?? WaitEnd.Interrupted;
  return {
    status: 'running',
    stoppedWaiting,
    progress: last,
    exitCode: stoppedWaiting === WaitEnd.TimedOut ? ExitCode.TimedOut : ExitCode.Interrupted,
  };
}
