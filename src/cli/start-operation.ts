/**
 * Starts an operation workflow by type name on the application's business-key id
 * (`flink-deploy/<ns>/<app>`), with search attributes and a static summary; when another
 * operation holds the id: exit 5, or with `--queue` wait for it and start after it.
 */
import { operationWorkflowId } from '../contract/ids';
import type { AppRef } from '../contract/app';
import type { Operation } from '../contract/operations';
import { CliError, CliErrorCode } from './errors';
import { searchAttributes, temporalCommon } from './lazy-modules';
import { cancelHint, followHint, workflowUrl } from './links';
import type { Output } from './output';
import { describeIfAny, type TemporalSession } from './temporal-client';
import { WaitEnd, type Waiting } from './waiting';

/** Input of `startOperation`. */
export interface StartOperationInput {
  session: TemporalSession;
  output: Output;
  app: AppRef;
  /** Workflow type name (`apply`, `suspend`, ...). */
  workflowType: string;
  /** The operation, as the FlinkOperation search attribute. */
  operation: Operation;
  /** The workflow's one input object. */
  input: unknown;
  /** Temporal UI static summary (one line). */
  summary: string;
  /** Temporal UI static details (markdown). */
  details?: string;
  /** Wait for an operation in progress instead of failing with exit 5. */
  queue: boolean;
  /** The wait (deadline, Ctrl-C) that also bounds the queueing. */
  waiting: Waiting;
}

/** A started run. */
export interface StartedOperation {
  workflowId: string;
  runId: string;
  url: string;
}

async function start(input: StartOperationInput): Promise<StartedOperation> {
  const { session, app } = input;
  const workflowId = operationWorkflowId(app);
  const { FlinkApplication, FlinkNamespace, FlinkOperation } = searchAttributes();
  const handle = await session.client.workflow.start(input.workflowType, {
    taskQueue: session.settings.taskQueue,
    workflowId,
    args: [input.input],
    typedSearchAttributes: [
      { key: FlinkApplication, value: app.name },
      { key: FlinkNamespace, value: app.namespace },
      { key: FlinkOperation, value: input.operation },
    ],
    staticSummary: input.summary,
    staticDetails: input.details,
  });
  const runId = handle.firstExecutionRunId;
  return { workflowId, runId, url: workflowUrl(session.settings, workflowId, runId) };
}

async function openRunId(session: TemporalSession, workflowId: string): Promise<string | undefined> {
  // Closed or gone since the start was refused: no run to link (any other failure is reported).
  const description = await describeIfAny(session.client.workflow.getHandle(workflowId));
  return description?.status.name === 'RUNNING' ? description.runId : undefined;
}

/** Starts the operation; see the module comment. */
export async function startOperation(input: StartOperationInput): Promise<StartedOperation> {
  const { session, output, app, waiting } = input;
  const { WorkflowExecutionAlreadyStartedError } = temporalCommon();
  let announced = false;
  for (;;) {
    try {
      return await start(input);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const runId = await openRunId(session, err.workflowId);
      const url = workflowUrl(session.settings, err.workflowId, runId);
      if (!input.queue) {
        throw new CliError({
          code: CliErrorCode.OperationInProgress,
          message:
            `another operation is in progress on ${app.namespace}/${app.name}: ` +
            `${err.workflowId}${runId ? ` (run ${runId})` : ''}\n  ${url}`,
          hint:
            `Wait for it with \`${followHint(app)}\`, run again with --queue to start after it, or cancel it ` +
            `with \`${cancelHint(app)}\`.`,
          data: { workflowId: err.workflowId, runId, url },
        });
      }
      if (!announced) {
        output.say(
          `another operation is in progress on ${app.namespace}/${app.name}; --queue: waiting for it to ` +
            `finish first\n  ${url}`,
        );
        announced = true;
      }
      output.status(`queued behind ${err.workflowId}`);
      await waiting.sleep(session.settings.pollIntervalMs);
      if (waiting.endedBy) {
        throw new CliError({
          code: waiting.endedBy === WaitEnd.TimedOut ? CliErrorCode.TimedOut : CliErrorCode.Interrupted,
          message:
            waiting.endedBy === WaitEnd.TimedOut
              ? `the operation in progress (${err.workflowId}) did not finish in time; nothing was started`
              : 'stopped waiting (Ctrl-C or SIGTERM); nothing was started',
          hint: `See it at ${url}`,
          data: { workflowId: err.workflowId, runId, url, started: false },
        });
      }
    }
  }
}
