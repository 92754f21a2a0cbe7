/** `plan -f app.yaml`: what apply would do and why (the change per field), touching nothing. */
import { Command } from 'commander';
import { SettingGroup } from '../../config/settings';
import { diffSpecs } from '../../spec/diff';
import { action, type CliContext } from '../command-kit';
import { readDeployedRecord } from '../deployed-state';
import { ExitCode } from '../exit-codes';
import { requireSpec } from '../manifest';
import {
  addFileOption,
  addManifestNamespaceOption,
  addOutputOption,
  addSettingOptions,
  manifestNamespaceOf,
  settingsOf,
} from '../options';
import { planJson, planText } from '../plan-view';

export function planCommand(ctx: CliContext): Command {
  const command = new Command('plan').description(
    'show what apply would do and why (the change class per field), touching nothing',
  );
  addFileOption(command);
  addManifestNamespaceOption(command);
  addOutputOption(command);
  addSettingOptions(command, [SettingGroup.Kubernetes]);
  return command.action(
    action(ctx, command, async (output) => {
      const spec = requireSpec(command.opts<{ file: string }>().file, manifestNamespaceOf(command));
      const settings = settingsOf(command, ctx.io);
      const record = await readDeployedRecord(settings, { namespace: spec.namespace, name: spec.name });
      const plan = planJson(
        spec,
        diffSpecs(record?.lastAppliedSpec ?? undefined, spec),
        record?.operation
          ? { workflowId: record.operation.workflowId, type: record.operation.type, phase: record.operation.phase }
          : undefined,
      );
      output.data(plan, () => planText(plan));
      return ExitCode.Success;
    }),
  );
}
