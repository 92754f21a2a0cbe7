/**
 * `codec-server`: serve the payload codec to the Temporal Web UI (its "codec endpoint"), so
 * people allowed to see payloads read them decrypted in the browser (docs/security.md).
 * Runs until SIGINT/SIGTERM.
 */
import { Command } from 'commander';
import { SettingGroup } from '../../config/settings';
import { createCodecServer } from '../../codec/server';
import { codecModule } from '../lazy-modules';
import { action, type CliContext } from '../command-kit';
import { CliError, CliErrorCode } from '../errors';
import { ExitCode } from '../exit-codes';
import { addSettingOptions, settingsOf } from '../options';

export function codecServerCommand(ctx: CliContext): Command {
  const command = new Command('codec-server').description(
    'serve POST /decode and /encode with the payload keys, for the Temporal Web UI’s codec endpoint',
  );
  addSettingOptions(command, [SettingGroup.CodecServer]);
  return command.action(
    action(ctx, command, async () => {
      const settings = settingsOf(command, ctx.io);
      if (!settings.payloadKeys)
        throw new CliError({
          code: CliErrorCode.InvalidSetting,
          message: 'codec-server needs the payload keys: none given',
          hint: 'Pass --payload-keys <file or directory> or set FLINK_DEPLOY_PAYLOAD_KEYS (the worker’s keys).',
        });
      const server = createCodecServer({
        codec: codecModule().chainedCodecOf(settings.payloadKeys),
        origins: settings.codecServerOrigins,
        token: settings.codecServerToken,
      });
      const address = settings.codecServerAddress;
      const port = Number(address.slice(address.lastIndexOf(':') + 1));
      const host = address.slice(0, address.lastIndexOf(':')).replace(/^\[|\]$/g, '');
      await new Promise<void>((resolve, reject) => {
        server.once('error', (err: NodeJS.ErrnoException) =>
          reject(
            new CliError({
              code: CliErrorCode.InvalidSetting,
              message: `codec-server cannot listen on ${address}: ${err.code ?? err.message}`,
              hint: 'Pick another --listen address (FLINK_DEPLOY_CODEC_SERVER_ADDRESS).',
            }),
          ),
        );
        server.listen(port, host, resolve);
      });
      ctx.io.stderr.write(
        `codec server on http://${address} (keys: ${settings.payloadKeys.source}, origins: ` +
          `${settings.codecServerOrigins.join(', ')}${settings.codecServerToken ? ', bearer token required' : ''})\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => server.close(() => resolve());
        process.once('SIGTERM', stop);
        ctx.io.onInterrupt(stop);
      });
      return ExitCode.Success;
    }),
  );
}
