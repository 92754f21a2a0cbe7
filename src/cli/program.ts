/** The `flink-deploy` command tree (one module per command under ./commands). */
import { Command } from 'commander';
import { closestName } from '../spec/suggest';
import { action, type CliContext } from './command-kit';
import { applyCommand } from './commands/apply';
import { cancelCommand } from './commands/cancel';
import { codecServerCommand } from './commands/codec-server';
import { deleteCommand } from './commands/delete';
import { abortCommand, approveCommand } from './commands/fleet-decisions';
import { followCommand } from './commands/follow';
import { historyCommand } from './commands/history';
import { logsCommand } from './commands/logs';
import { savepointCommand, suspendCommand, resumeCommand, rollbackCommand } from './commands/operations';
import { planCommand } from './commands/plan';
import { scheduleCommand } from './commands/schedule';
import { statusCommand } from './commands/status';
import { unlockCommand } from './commands/unlock';
import { validateCommand } from './commands/validate';
import { workerCommand } from './commands/worker';
import { CliError, CliErrorCode } from './errors';
import { ExitCode } from './exit-codes';

/** The exit codes as `--help` lists them. */
export const exitCodesHelp = `
Exit codes:
  ${ExitCode.Success}    success (also: nothing to change)
  ${ExitCode.OperationFailed}    the operation failed (or could not be started)
  ${ExitCode.InvalidInput}    invalid input or usage (unknown flag, bad value, invalid spec); nothing was started
  ${ExitCode.RolledBack}    the upgrade failed and was rolled back to the last stable spec (a fleet: a failure
       halted it, and every application that failed is back on its last stable spec)
  ${ExitCode.TimedOut}    timed out waiting; the operation goes on (follow it with \`flink-deploy follow <app>\`)
  ${ExitCode.OperationInProgress}    another operation on the application is in progress (wait for it with --queue; a
       fleet: some applications were busy and left untouched, the others succeeded)
  ${ExitCode.Interrupted}  Ctrl-C or SIGTERM while waiting; the operation goes on
`;

/** The command's words as typed: `flink-deploy schedule`. */
function commandPath(command: Command): string {
  return command.parent ? `${commandPath(command.parent)} ${command.name()}` : command.name();
}

/**
 * `help [command]` in place of commander's, which printed the whole help for a command it does not know (and
 * exit 2) without saying so: that is exit 2 naming it, with the nearest command.
 */
function addHelpCommand(parent: Command, ctx: CliContext): void {
  const help = new Command('help').argument('[command]').description('display help for command').helpOption(false);
  help.action(
    action(ctx, help, (_output, [name]) => {
      const commands = parent.commands.filter((c) => c !== help);
      if (name === undefined) parent.outputHelp();
      else {
        const command = commands.find((c) => c.name() === name || c.aliases().includes(name));
        if (!command) {
          const nearest = closestName(
            name,
            commands.map((c) => c.name()),
          );
          throw new CliError({
            code: CliErrorCode.Usage,
            message: `unknown command '${name}'`,
            hint: `${nearest ? `Did you mean ${nearest}? ` : ''}\`${commandPath(parent)} --help\` lists the commands.`,
          });
        }
        command.outputHelp();
      }
      return ExitCode.Success;
    }),
  );
  parent.addCommand(help);
}

function configure(command: Command, ctx: CliContext): void {
  if (command.commands.length > 0) addHelpCommand(command, ctx);
  command.exitOverride();
  command.configureOutput({
    writeOut: (text) => ctx.io.stdout.write(text),
    writeErr: (text) => ctx.io.stderr.write(text),
  });
  command.showSuggestionAfterError(true);
  for (const sub of command.commands) configure(sub, ctx);
}

/** Builds the program; every command reports its exit code through `ctx.exit`. */
export function buildProgram(ctx: CliContext, version = '0.1.0'): Command {
  const program = new Command('flink-deploy')
    .description('Durable deployment pipelines for Apache Flink on Kubernetes, orchestrated by Temporal')
    .version(version)
    .addCommand(applyCommand(ctx))
    .addCommand(planCommand(ctx))
    .addCommand(validateCommand(ctx))
    .addCommand(statusCommand(ctx))
    .addCommand(historyCommand(ctx))
    .addCommand(followCommand(ctx))
    .addCommand(logsCommand(ctx))
    .addCommand(savepointCommand(ctx))
    .addCommand(suspendCommand(ctx))
    .addCommand(resumeCommand(ctx))
    .addCommand(rollbackCommand(ctx))
    .addCommand(deleteCommand(ctx))
    .addCommand(cancelCommand(ctx))
    .addCommand(unlockCommand(ctx))
    .addCommand(approveCommand(ctx))
    .addCommand(abortCommand(ctx))
    .addCommand(scheduleCommand(ctx))
    .addCommand(workerCommand(ctx))
    .addCommand(codecServerCommand(ctx))
    .addHelpText('after', exitCodesHelp);
  configure(program, ctx);
  return program;
}
