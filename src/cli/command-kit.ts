/** What every command shares: the process, the exit code, and error reporting. */
import type { Command } from 'commander';
import { CliError } from './errors';
import { ExitCode } from './exit-codes';
import type { CliIo } from './io';
import { outputOf } from './options';
import type { Output } from './output';

/** Given to every command module. */
export interface CliContext {
  io: CliIo;
  /** Sets the exit code of the run. */
  exit(code: number): void;
}

/** Prints an error (stderr; and a JSON document with `--output json`) and returns its exit code. */
export function reportError(output: Output, err: unknown): number {
  if (err instanceof CliError) {
    output.say(`error: ${err.message}`);
    if (err.hint) output.say(`  ${err.hint}`);
    output.data(
      { error: { code: err.code, message: err.message, hint: err.hint }, ...err.data, exitCode: err.exitCode },
      () => '',
    );
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  output.say(`error: ${message}`);
  output.data({ error: { code: 'Unexpected', message }, exitCode: ExitCode.OperationFailed }, () => '');
  return ExitCode.OperationFailed;
}

/**
 * An action that prints through the command's `--output` and sets the exit code; `args` are
 * the command's positional arguments.
 */
export function action(
  ctx: CliContext,
  command: Command,
  run: (output: Output, args: string[]) => Promise<number> | number,
): (...args: unknown[]) => Promise<void> {
  return async () => {
    const output = outputOf(command, ctx.io);
    try {
      ctx.exit(
        await run(
          output,
          command.processedArgs.filter((arg): arg is string => typeof arg === 'string'),
        ),
      );
    } catch (err) {
      ctx.exit(reportError(output, err));
    } finally {
      output.close();
    }
  };
}
