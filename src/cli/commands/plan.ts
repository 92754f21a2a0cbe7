/** `plan -f app.yaml`: what apply would do and why (the change per field), touching nothing. */
import { Command } from 'commander';
import { SettingGroup } from '../../config/settings';
import { diffSpecs } from '../../spec/diff';
import { action, type CliContext } from '../command-kit';
import { readDeployedRecord } from '../deployed-state';
import { ExitCode } from '../exit-codes';
import { requireManifest } from '../manifest';
import { reportIgnoredOnly } from '../ignored-only';
import { notesJson, notesText } from '../notes-view';
import { withNotes } from '../report';
import {
  addFileOption,
  fileOf,
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
      const file = fileOf(command);
      const namespace = manifestNamespaceOf(command);
      if (reportIgnoredOnly({ io: ctx.io, output, file, namespace, verb: 'plan' })) return ExitCode.Success;
      const { spec, notes } = requireManifest(file, namespace);
      const settings = settingsOf(command, ctx.io);
      const record = await readDeployedRecord(settings, { namespace: spec.namespace, name: spec.name });
      const plan = planJson(
        spec,
        diffSpecs(record?.lastAppliedSpec ?? undefined, spec),
        record?.operation
          ? { workflowId: record.operation.workflowId, type: record.operation.type, phase: record.operation.phase }
          : undefined,
      );
      const noted = notesJson(notes);
      output.data(withNotes(plan, noted), () =>
        noted.length > 0 ? `${planText(plan)}\n${notesText(noted)}` : planText(plan),
      );
      return ExitCode.Success;
    }),
  );
}
