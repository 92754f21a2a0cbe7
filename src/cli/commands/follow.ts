/** `follow <app>`: follow the operation in progress (or show how the last one ended). */
import { Command } from 'commander';
import { SettingGroup } from '../../config/settings';
import { operationWorkflowId } from '../../contract/ids';
import { appRefOf } from '../app-ref';
import { action, type CliContext } from '../command-kit';
import { CliError, CliErrorCode } from '../errors';
import { closedEnd, followOperation } from '../follow-operation';
import { workflowUrl } from '../links';
import { addAppNamespaceOption, addOutputOption, addSettingOptions, settingsOf } from '../options';
import { reportEnd } from '../report';
import { describeIfAny, withTemporal } from '../temporal-client';
import { timeoutOption } from '../wait-options';
import { Waiting } from '../waiting';

export function followCommand(ctx: CliContext): Command {
  const command = new Command('follow')
    .argument('<app>', 'application name')
    .description('follow the operation in progress on an application to its end (or show how the last one ended)');
  addAppNamespaceOption(command);
  command.addOption(timeoutOption('how long to wait (exit 4; the operation goes on)'));
  addOutputOption(command);
  addSettingOptions(command, [SettingGroup.Temporal]);
  return command.action(
    action(ctx, command, async (output, [name = '']) => {
      const app = appRefOf(command, name);
      const settings = settingsOf(command, ctx.io);
      const timeoutMs = command.opts<{ timeout: number }>().timeout;
      return withTemporal(settings, async (session) => {
        const workflowId = operationWorkflowId(app);
        const handle = session.client.workflow.getHandle(workflowId);
        const description = await describeIfAny(handle);
        if (!description) {
          throw new CliError({
            code: CliErrorCode.NotFound,
            message: `no operation was ever run on ${app.namespace}/${app.name} (${workflowId})`,
            hint: 'Check the name and -n namespace, or run `flink-deploy apply -f`.',
          });
        }
        const run = {
          app,
          workflowId,
          runId: description.runId,
          url: workflowUrl(settings, workflowId, description.runId),
        };
        output.say(`following ${workflowId} (run ${description.runId})\n  ${run.url}`);
        if (description.status.name !== 'RUNNING') {
          output.say(`no operation in progress; the last one is ${description.status.name.toLowerCase()}:`);
          const end = await closedEnd(
            session.client.workflow.getHandle(workflowId, description.runId),
            description.status.name,
          );
          reportEnd({ output, run, end });
          return end.exitCode;
        }
        const waiting = new Waiting(ctx.io, timeoutMs);
        try {
          const end = await followOperation({ session, output, app, workflowId, runId: description.runId, waiting });
          reportEnd({ output, run, end, timeoutMs });
          return end.exitCode;
        } finally {
          waiting.dispose();
        }
      });
    }),
  );
}
