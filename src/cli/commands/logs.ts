/** `logs <app> [--jobmanager|--taskmanagers] [-f]`: the Flink logs, through the API server's pod logs. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { SettingGroup } from '../../config/settings';
import { appRefOf } from '../app-ref';
import { action, type CliContext } from '../command-kit';
import { ExitCode } from '../exit-codes';
import { addAppNamespaceOption, addSettingOptions, settingsOf } from '../options';
import { streamPodLogs, type LogComponent } from '../pod-logs';

function lineCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number of lines (0 or more).');
  return n;
}

/** The pods `--jobmanager` / `--taskmanagers` select (neither: both). */
export function logComponents(opts: { jobmanager?: boolean; taskmanagers?: boolean }): LogComponent[] {
  if (opts.jobmanager && !opts.taskmanagers) return ['jobmanager'];
  if (opts.taskmanagers && !opts.jobmanager) return ['taskmanager'];
  return ['jobmanager', 'taskmanager'];
}

export function logsCommand(ctx: CliContext): Command {
  const command = new Command('logs')
    .description(
      "show the Flink logs of an application's JobManager and TaskManagers (the API server's pod logs, as " +
        'kubectl logs; each line prefixed with its pod)',
    )
    .argument('<app>', 'application name');
  addAppNamespaceOption(command);
  command
    .addOption(new Option('--jobmanager', 'only the JobManager').conflicts('taskmanagers'))
    .addOption(new Option('--taskmanagers', 'only the TaskManagers'))
    .option('-f, --follow', 'keep streaming new lines until Ctrl-C', false)
    .option('--tail <lines>', "lines from the end of each pod's log (default: all)", lineCount);
  addSettingOptions(command, [SettingGroup.Kubernetes]);
  return command.action(
    action(ctx, command, async (_output, [name = '']) => {
      const app = appRefOf(command, name);
      const opts = command.opts<{ jobmanager?: boolean; taskmanagers?: boolean; follow: boolean; tail?: number }>();
      const settings = settingsOf(command, ctx.io);
      let interrupted = false;
      let removeHandler: () => void = () => undefined;
      try {
        await streamPodLogs({
          settings,
          app,
          components: logComponents(opts),
          follow: opts.follow,
          tailLines: opts.tail,
          out: ctx.io.stdout,
          onStop: (stop) => {
            removeHandler = ctx.io.onInterrupt(() => {
              interrupted = true;
              stop();
            });
          },
        });
      } finally {
        removeHandler();
      }
      return interrupted ? ExitCode.Interrupted : ExitCode.Success;
    }),
  );
}
