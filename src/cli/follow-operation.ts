/**
 * Follows a running operation: reads its history as it grows (src/cli/run-history.ts), prints
 * one timestamped line per phase, and ends when the workflow closes, the timeout passes, or
 * Ctrl-C is pressed.
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
import { NoWorkerNotice } from './no-worker-notice';
import { PhaseLines } from './phase-lines';
import { RunHistory, type RunNews } from './run-history';
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

/** gRPC codes the follower waits out (Temporal restarting, a long-poll that found nothing, overload). */
const TRANSIENT_GRPC_CODES = new Set([4 /* DEADLINE_EXCEEDED */, 8 /* RESOURCE_EXHAUSTED */, 14 /* UNAVAILABLE */]);

function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' && TRANSIENT_GRPC_CODES.has(code);
}

/**
 * Follows the operation until it closes or the wait ends. The run's history is long-polled (no
 * Temporal action); the `progress` query (one action each) is asked only when the history shows
 * new phases, for their details: a handful per operation, where polling it cost one per poll
 * interval.
 */
export async function followOperation(input: FollowInput): Promise<FollowEnd> {
  const { session, output, waiting } = input;
  const handle = session.client.workflow.getHandle(input.workflowId, input.runId);
  const history = new RunHistory(session, input.workflowId, input.runId);
  const pollMs = session.settings.pollIntervalMs;
  const queryTimeoutMs = Math.min(FOLLOW_QUERY_MAX_MS, Math.max(FOLLOW_QUERY_MIN_MS, pollMs));
  const lines = new PhaseLines(output, input.app);
  let operation: string | undefined;
  const noWorker = new NoWorkerNotice(output, session.settings, 'the operation');
  for (;;) {
    if (waiting.endedBy) break;
    let news: RunNews;
    try {
      news = await history.next(waiting.signal);
    } catch (err) {
      if (waiting.endedBy) break;
      if (!isTransient(err)) throw err;
      noWorker.check();
      // Nothing new within the long-poll, or Temporal briefly away: ask again (bounded by the wait).
      if ((err as { code?: number }).code !== 4) await waiting.sleep(pollMs);
      continue;
    }
    operation = news.operation ?? operation;
    noWorker.saw(news.waitingForWorker);
    await lines.fromHistory(news.phases, () => queryProgress(session, handle, queryTimeoutMs), operation);
    if (news.closed) {
      const status = (await handle.describe()).status.name;
      return closedEnd(handle, status, lines.last);
    }
    if (news.waitingForWorker)
      output.status(`waiting for a worker on task queue ${session.settings.taskQueue} to pick it up`);
    else if (news.activity) output.status(`${lines.phase}: ${news.activity}`);
  }
  const stoppedWaiting = waiting.endedBy ?? WaitEnd.Interrupted;
  return {
    status: 'running',
    stoppedWaiting,
    progress: lines.last,
    exitCode: stoppedWaiting === WaitEnd.TimedOut ? ExitCode.TimedOut : ExitCode.Interrupted,
  };
}
