/**
 * `cancel <app>`: ask the operation in progress to stop. The workflow stops where it is safe,
 * rolls back what must be rolled back, records the outcome and releases the lock; this
 * command follows it and says what state it left.
 */
import { Command } from 'commander';
import { SettingGroup } from '../../config/settings';
import { operationWorkflowId } from '../../contract/ids';
import { appRefOf } from '../app-ref';
import { action, type CliContext } from '../command-kit';
import { ExitCode } from '../exit-codes';
import { followOperation } from '../follow-operation';
import { followHint, workflowUrl } from '../links';
import { addAppNamespaceOption, addOutputOption, addSettingOptions, settingsOf } from '../options';
import { operationJson, reportEnd } from '../report';
import { describeIfAny, withTemporal } from '../temporal-client';
import { timeoutOption } from '../wait-options';
import { Waiting } from '../waiting';

export function cancelCommand(ctx: CliContext): Command {
  const command = new Command('cancel')
    .argument('<app>', 'application name')
    .description('abort the operation in progress safely and say what state it left');
  addAppNamespaceOption(command);
  command.option('--no-wait', 'request the cancellation and return');
  command.addOption(timeoutOption('how long to wait for the operation to stop (exit 4)'));
  addOutputOption(command);
  addSettingOptions(command, [SettingGroup.Temporal]);
  return command.action(
    action(ctx, command, async (output, [name = '']) => {
      const app = appRefOf(command, name);
      const settings = settingsOf(command, ctx.io);
      const opts = command.opts<{ wait: boolean; timeout: number }>();
      return withTemporal(settings, async (session) => {
        const workflowId = operationWorkflowId(app);
        const handle = session.client.workflow.getHandle(workflowId);
        const description = await describeIfAny(handle);
        if (!description || description.status.name !== 'RUNNING') {
          // A scheduled savepoint runs under the schedule's own ids (not cancelled here): it ends on its own.
          output.say(
            `no operation in progress on ${app.namespace}/${app.name}: nothing to cancel (a scheduled savepoint ` +
              `ends on its own; \`flink-deploy status ${app.name} -n ${app.namespace}\` shows what holds it)`,
          );
          output.data(
            {
              app,
              workflowId,
              cancelled: false,
              status: description?.status.name.toLowerCase() ?? 'none',
              exitCode: ExitCode.Success,
            },
            () => '',
          );
          return ExitCode.Success;
        }
        const run = {
          app,
          workflowId,
          runId: description.runId,
          url: workflowUrl(settings, workflowId, description.runId),
        };
        await session.client.workflow.getHandle(workflowId, description.runId).cancel();
        output.say(
          `cancellation requested for ${workflowId} (run ${description.runId}); it stops where it is safe ` +
            `and records what it left\n  ${run.url}`,
        );
        if (!opts.wait) {
          output.say(`not waiting; follow it with: ${followHint(app)}`);
          output.data({ ...operationJson(run, undefined), status: 'cancel-requested' }, () => '');
          return ExitCode.Success;
        }
        const waiting = new Waiting(ctx.io, opts.timeout);
        try {
          const end = await followOperation({ session, output, app, workflowId, runId: description.runId, waiting });
          reportEnd({ output, run, end, timeoutMs: opts.timeout });
          if (end.stoppedWaiting) return end.exitCode;
          if (end.status === 'cancelled') {
            output.say(
              `cancelled in phase ` +
                `${end.progress?.phase ?? 'unknown'}${end.result?.message ? `: ${end.result.message}` : ''}; ` +
                `see \`flink-deploy status ${app.name} -n ${app.namespace}\` for the state it left`,
            );
            return ExitCode.Success;
          }
          return end.exitCode;
        } finally {
          waiting.dispose();
        }
      });
    }),
  );
}
