/**
 * `delete <app>`: remove an application. The schedule of periodic savepoints goes first (so no
 * run is queued behind the delete), then the `delete` operation: a final savepoint (reported and
 * kept; `--no-savepoint` cancels the job instead), every object, the HA ConfigMaps, the record.
 */
import { Command } from 'commander';
import { SettingGroup } from '../../config/settings';
import { savepointScheduleId } from '../../contract/ids';
import { Operation } from '../../contract/operations';
import type { DeleteInput } from '../../contract/workflow-inputs';
import { appRefOf } from '../app-ref';
import { action, type CliContext } from '../command-kit';
import { readDeployedRecord } from '../deployed-state';
import { CliError, CliErrorCode } from '../errors';
import { temporalClient } from '../lazy-modules';
import { addAppNamespaceOption, addOutputOption, addSettingOptions, settingsOf } from '../options';
import { startAndFollow } from '../start-and-follow';
import { operationSummary } from '../summaries';
import { withTemporal } from '../temporal-client';
import { addWaitOptions, waitOptionsOf } from '../wait-options';

export function deleteCommand(ctx: CliContext): Command {
  const command = new Command('delete')
    .argument('<app>', 'application name')
    .description(
      'remove an application: a final savepoint (kept, and reported), its Deployments, ConfigMaps, ' +
        'Services, HA ConfigMaps, its savepoint schedule and its record',
    )
    .option('--no-savepoint', 'cancel the job without a final savepoint (stateless jobs, or state you do not need)');
  addAppNamespaceOption(command);
  addWaitOptions(command, { queue: true });
  addOutputOption(command);
  addSettingOptions(command, [SettingGroup.Temporal, SettingGroup.Kubernetes]);
  return command.action(
    action(ctx, command, async (output, [name = '']) => {
      const app = appRefOf(command, name);
      const settings = settingsOf(command, ctx.io);
      const noSavepoint = command.opts<{ savepoint: boolean }>().savepoint === false;
      // Nothing to delete: say so, and change nothing (no schedule deleted, no record created).
      if (!(await readDeployedRecord(settings, app))) {
        throw new CliError({
          code: CliErrorCode.NotFound,
          message: `${app.namespace}/${app.name} has no deployed state: nothing to delete`,
          hint: 'Check the name and -n namespace (flink-deploy status <app>).',
        });
      }
      const scheduleId = savepointScheduleId(app);
      const scheduleDeleted = await withTemporal(settings, async (session) => {
        try {
          await session.client.schedule.getHandle(scheduleId).delete();
          return true;
        } catch (err) {
          if (err instanceof temporalClient().ScheduleNotFoundError) return false;
          throw err;
        }
      });
      if (scheduleDeleted) output.say(`deleted the savepoint schedule ${scheduleId}`);
      const input: DeleteInput = { app, ...(noSavepoint ? { noSavepoint: true } : {}) };
      return startAndFollow({
        io: ctx.io,
        output,
        settings,
        wait: waitOptionsOf(command, ctx.io),
        request: {
          app,
          workflowType: 'delete',
          operation: Operation.Delete,
          input,
          summary: operationSummary('delete', app, noSavepoint ? 'without a savepoint' : undefined),
        },
      });
    }),
  );
}
