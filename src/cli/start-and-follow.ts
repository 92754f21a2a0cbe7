/** The shared path of every command that starts an operation: start, print the link, follow. */
import type { Settings } from '../config/settings';
import type { AppRef } from '../contract/app';
import type { Operation } from '../contract/operations';
import { ExitCode } from './exit-codes';
import { followOperation } from './follow-operation';
import type { CliIo } from './io';
import { followHint } from './links';
import type { Output } from './output';
import { operationJson, reportEnd, withNotes } from './report';
import { notesText, type NoteJson } from './notes-view';
import { startOperation } from './start-operation';
import { withTemporal } from './temporal-client';
import type { WaitOptions } from './wait-options';
import { WaitEnd, Waiting } from './waiting';
import { CliError, CliErrorCode } from './errors';
import { FailureType } from '../contract/failures';

/** What to start. */
export interface OperationRequest {
  app: AppRef;
  workflowType: string;
  operation: Operation;
  input: unknown;
  summary: string;
  details?: string;
  /** The manifest's notes (what is ignored): said before starting, carried in the JSON document. */
  notes?: readonly NoteJson[];
  /** The way on when the worker refuses this input (InvalidSpec), when the command knows a better one. */
  refusedNext?: string;
}

/** Input of `startAndFollow`. */
export interface StartAndFollowInput {
  io: CliIo;
  output: Output;
  settings: Settings;
  request: OperationRequest;
  wait: WaitOptions;
}

/** Starts the operation and (with --wait) follows it; returns the exit code. */
export async function startAndFollow(input: StartAndFollowInput): Promise<ExitCode> {
  const { io, output, settings, request, wait } = input;
  if (request.notes && request.notes.length > 0) output.say(notesText(request.notes));
  return withTemporal(settings, async (session) => {
    const waiting = new Waiting(io, wait.timeoutMs);
    try {
      for (;;) {
        const started = await startOperation({ session, output, waiting, queue: wait.queue, ...request });
        const run = { app: request.app, ...started };
        output.say(
          `started ${request.operation} of ${request.app.namespace}/${request.app.name}: ` +
            `${started.workflowId} (run ${started.runId})\n  ${started.url}`,
        );
        if (!wait.wait) {
          output.say(`not waiting; follow it with: ${followHint(request.app)}`);
          output.data(withNotes(operationJson(run, undefined), request.notes), () => '');
          return ExitCode.Success;
        }
        const end = await followOperation({
          session,
          output,
          app: request.app,
          workflowId: started.workflowId,
          runId: started.runId,
          waiting,
        });
        // --queue: the lock is held by an operation of another workflow id (a scheduled savepoint):
        // this run ended at Locking, having changed nothing; start again once it is released.
        if (wait.queue && !end.stoppedWaiting && end.failure?.type === FailureType.OperationInProgress) {
          output.say(`--queue: ${end.failure.message}; starting again when it is released`);
          await waiting.sleep(settings.pollIntervalMs);
          if (waiting.endedBy) {
            throw new CliError({
              code: waiting.endedBy === WaitEnd.TimedOut ? CliErrorCode.TimedOut : CliErrorCode.Interrupted,
              message:
                waiting.endedBy === WaitEnd.TimedOut
                  ? `the application stayed locked by another operation; nothing was started`
                  : 'stopped waiting (Ctrl-C or SIGTERM); nothing was started',
              hint:
                `See \`flink-deploy status ${request.app.name} -n ` +
                `${request.app.namespace}\` for the lock's holder.`,
            });
          }
          continue;
        }
        reportEnd({
          output,
          run,
          end,
          timeoutMs: wait.timeoutMs,
          notes: request.notes,
          refusedNext: request.refusedNext,
        });
        return end.exitCode;
      }
    } finally {
      waiting.dispose();
      output.close();
    }
  });
}
