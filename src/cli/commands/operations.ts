/** `savepoint`, `suspend`, `resume`, `rollback <app>`: start one operation on an application. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { SettingGroup } from '../../config/settings';
import { Operation } from '../../contract/operations';
import { SavepointKind } from '../../contract/savepoints';
import type { AppOperationInput, RollbackInput, SavepointInput } from '../../contract/workflow-inputs';
import type { AppRef } from '../../contract/app';
import { savepointPathProblem } from '../../contract/savepoint-paths';
import { appRefOf } from '../app-ref';
import { statusHint } from '../links';
import { action, type CliContext } from '../command-kit';
import { addAppNamespaceOption, addOutputOption, addSettingOptions, settingsOf } from '../options';
import { startAndFollow } from '../start-and-follow';
import { operationSummary } from '../summaries';
import { addWaitOptions, waitOptionsOf } from '../wait-options';

/** One operation command. */
interface OperationCommandSpec {
  name: 'savepoint' | 'suspend' | 'resume' | 'rollback';
  description: string;
  operation: Operation;
  addOptions?: (command: Command) => void;
  input: (app: AppRef, opts: Record<string, unknown>) => unknown;
  summaryExtra?: (opts: Record<string, unknown>) => string | undefined;
  /** The way on when the worker refuses the input (see OperationRequest.refusedNext). */
  refusedNext?: (app: AppRef, opts: Record<string, unknown>) => string | undefined;
}

function operationCommand(ctx: CliContext, spec: OperationCommandSpec): Command {
  const command = new Command(spec.name).argument('<app>', 'application name').description(spec.description);
  addAppNamespaceOption(command);
  spec.addOptions?.(command);
  addWaitOptions(command, { queue: true });
  addOutputOption(command);
  addSettingOptions(command, [SettingGroup.Temporal]);
  return command.action(
    action(ctx, command, async (output, [name = '']) => {
      const app = appRefOf(command, name);
      const settings = settingsOf(command, ctx.io);
      const opts = command.opts<Record<string, unknown>>();
      return startAndFollow({
        io: ctx.io,
        output,
        settings,
        wait: waitOptionsOf(command, ctx.io),
        request: {
          app,
          workflowType: spec.name,
          operation: spec.operation,
          input: spec.input(app, opts),
          summary: operationSummary(spec.name, app, spec.summaryExtra?.(opts)),
          refusedNext: spec.refusedNext?.(app, opts),
        },
      });
    }),
  );
}

export function savepointCommand(ctx: CliContext): Command {
  return operationCommand(ctx, {
    name: 'savepoint',
    operation: Operation.Savepoint,
    description: 'take a savepoint of the running job (it keeps running)',
    addOptions: (command) =>
      command
        .addOption(
          new Option(
            '--format <format>',
            "savepoint format (default: the spec's kubernetes.operator.savepoint.format.type, else canonical)",
          ).choices(['CANONICAL', 'NATIVE']),
        )
        .option(
          '--target-directory <dir>',
          "write it to this directory (a URI or an absolute path) instead of the job's savepoint directory",
          savepointPath,
        ),
    input: (app, opts): SavepointInput => ({
      app,
      kind: SavepointKind.Manual,
      ...(typeof opts.targetDirectory === 'string' ? { targetDirectory: opts.targetDirectory } : {}),
      ...(opts.format === 'CANONICAL' || opts.format === 'NATIVE' ? { formatType: opts.format } : {}),
    }),
    summaryExtra: (opts) =>
      [opts.targetDirectory, opts.format].filter((v) => typeof v === 'string').join(', ') || undefined,
  });
}

/**
 * `--target-directory`, `--to-savepoint`: a savepoint directory Flink can be given (absolute, no credentials); exit
 * 2 otherwise, before anything starts.
 */
function savepointPath(value: string): string {
  const problem = savepointPathProblem(value);
  if (problem) throw new InvalidArgumentError(`${problem.message}. ${problem.hint}`);
  return value;
}

export function suspendCommand(ctx: CliContext): Command {
  return operationCommand(ctx, {
    name: 'suspend',
    operation: Operation.Suspend,
    description: 'stop the job with a savepoint and remove its Deployments (config and record stay)',
    input: (app): AppOperationInput => ({ app }),
  });
}

export function resumeCommand(ctx: CliContext): Command {
  return operationCommand(ctx, {
    name: 'resume',
    operation: Operation.Resume,
    description: 'deploy the last spec again from the last savepoint',
    input: (app): AppOperationInput => ({ app }),
  });
}

export function rollbackCommand(ctx: CliContext): Command {
  return operationCommand(ctx, {
    name: 'rollback',
    operation: Operation.Rollback,
    description: 'deploy the last stable spec from a savepoint (default: the latest)',
    addOptions: (command) =>
      command.addOption(
        new Option('--to-savepoint <path>', 'restore from this savepoint instead of the latest').argParser(
          savepointPath,
        ),
      ),
    input: (app, opts): RollbackInput => ({
      app,
      toSavepoint: typeof opts.toSavepoint === 'string' ? opts.toSavepoint : undefined,
    }),
    summaryExtra: (opts) => (typeof opts.toSavepoint === 'string' ? `to ${opts.toSavepoint}` : undefined),
    refusedNext: (app, opts) =>
      typeof opts.toSavepoint === 'string'
        ? `name another savepoint (${statusHint(app)} lists the recorded ones), or roll back to the latest: ` +
          `flink-deploy rollback ${app.name} -n ${app.namespace}`
        : undefined,
  });
}
