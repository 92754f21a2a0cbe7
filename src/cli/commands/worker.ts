/** `worker`: run the flink-deploy worker (src/worker/run.ts) with the settings. */
import path from 'node:path';
import { Command } from 'commander';
import { SettingGroup, SettingsError, type Settings } from '../../config/settings';
import { ConnectFailed } from '../../config/connect-retry';
import { action, type CliContext } from '../command-kit';
import { CliError, CliErrorCode } from '../errors';
import { ExitCode } from '../exit-codes';
import { addSettingOptions, settingsOf } from '../options';

/** What src/worker/run.ts exports. */
interface WorkerModule {
  runWorker(settings: Settings): Promise<void>;
}

export function workerCommand(ctx: CliContext): Command {
  const command = new Command('worker').description(
    'run the flink-deploy worker (polls the task queue, runs the workflows and activities)',
  );
  addSettingOptions(command, [SettingGroup.Temporal, SettingGroup.Kubernetes, SettingGroup.Worker]);
  return command.action(
    action(ctx, command, async () => {
      const settings = settingsOf(command, ctx.io);
      // Loaded only here, so the other commands never load the worker and its dependencies.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const worker = require(path.join(__dirname, '..', '..', 'worker', 'run')) as WorkerModule;
      try {
        await worker.runWorker(settings);
      } catch (err) {
        if (err instanceof SettingsError)
          throw new CliError({
            code: CliErrorCode.InvalidSetting,
            message: err.message,
            hint: 'Give the setting named above a free host:port. Nothing was started.',
          });
        if (!(err instanceof ConnectFailed)) throw err;
        throw new CliError({
          code: CliErrorCode.TemporalUnavailable,
          message: `cannot reach Temporal at ${settings.temporalAddress}: ${err.message}`,
          hint:
            'Check --address / TEMPORAL_ADDRESS (and TLS / API key settings), and that the Temporal server is up; ' +
            'the worker retried for about two minutes.',
          cause: err.last,
        });
      }
      return ExitCode.Success;
    }),
  );
}
