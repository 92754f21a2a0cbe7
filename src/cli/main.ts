/** Entry point of the `flink-deploy` command (bin/flink-deploy.js). */
import { CommanderError } from 'commander';
import type { CliContext } from './command-kit';
import { ExitCode } from './exit-codes';
import { processIo, type CliIo } from './io';
import { buildProgram } from './program';

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = ExitCode.Success;
  const ctx: CliContext = {
    io,
    exit: (code) => {
      exitCode = code;
    },
  };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; every other commander error is a usage error.
      return err.exitCode === 0 ? ExitCode.Success : ExitCode.InvalidInput;
    }
    throw err;
  }
  return exitCode;
}

/** Runs the CLI on this process and exits with its code. */
export function main(): void {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // Leave time to flush stdout/stderr; don't let a lingering handle keep the process alive.
      setTimeout(() => process.exit(code), 2_000).unref();
    },
    (err: unknown) => {
      process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(ExitCode.OperationFailed);
    },
  );
}
