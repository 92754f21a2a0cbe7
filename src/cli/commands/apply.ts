/** `apply -f app.yaml`: start the operation the spec change needs (deploy, upgrade, ...). */
import { Command } from 'commander';
import { SettingGroup, type Settings } from '../../config/settings';
import { diffSpecs } from '../../spec/diff';
import type { AppSpec, SpecChange } from '../../spec/types';
import type { ApplyInput } from '../../contract/workflow-inputs';
import { action, type CliContext } from '../command-kit';
import { readDeployedRecord } from '../deployed-state';
import { ExitCode } from '../exit-codes';
import { requireManifest } from '../manifest';
import { reportIgnoredOnly } from '../ignored-only';
import { applySnapshot, snapshotOnly } from '../snapshot-apply';
import { notesJson, notesText } from '../notes-view';
import { withNotes } from '../report';
import { isFleet } from '../fleet-manifests';
import { fleetApplyModule } from '../lazy-modules';
import { addFilesOption, addFleetOptions, refuseFleetOptions } from '../fleet-options';
import {
  addManifestNamespaceOption,
  addOutputOption,
  addSettingOptions,
  manifestNamespaceOf,
  settingsOf,
} from '../options';
import { applyOperation, planJson, planText } from '../plan-view';
import { refuseUnfitSessionCluster } from '../session-job-check';
import { startAndFollow } from '../start-and-follow';
import { applyDetails, applySummary } from '../summaries';
import { addWaitOptions, waitOptionsOf } from '../wait-options';

/** The change, when the cluster can be read in time; apply itself never needs the cluster. */
/** The plan shown before starting is a courtesy: an unreachable cluster must not delay the start longer. */
const PLAN_READ_TIMEOUT_MS = 5_000;

async function changeIfReadable(settings: Settings, spec: AppSpec): Promise<SpecChange | undefined> {
  if (!settings.kubeconfig) return undefined;
  const read = readDeployedRecord(settings, spec).then(
    (record) => diffSpecs(record?.lastAppliedSpec ?? undefined, spec),
    () => undefined,
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), PLAN_READ_TIMEOUT_MS);
  });
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function applyCommand(ctx: CliContext): Command {
  const command = new Command('apply').description(
    'start the operation the spec needs (deploy, upgrade, scale, suspend, resume, savepoint) and follow it',
  );
  addFilesOption(command);
  addManifestNamespaceOption(command);
  command.option('--dry-run', 'validate and show what would run (reads the cluster); start nothing', false);
  command.option(
    '--from-scratch',
    'after an operation that never finished, when the job does not run: deploy fresh, without the latest ' +
      'savepoint or checkpoint (its state is lost)',
    false,
  );
  addWaitOptions(command, { queue: true });
  addFleetOptions(command);
  addOutputOption(command);
  addSettingOptions(command, [SettingGroup.Temporal, SettingGroup.Kubernetes]);
  return command.action(
    action(ctx, command, async (output) => {
      const opts = command.opts<{ file: string[]; dryRun: boolean; fromScratch: boolean }>();
      const namespace = manifestNamespaceOf(command);
      if (isFleet(opts.file)) {
        const settings = settingsOf(command, ctx.io);
        const wait = waitOptionsOf(command, ctx.io);
        const files = opts.file;
        const { fleetApply } = fleetApplyModule();
        return fleetApply({ io: ctx.io, command, output, settings, files, namespace, dryRun: opts.dryRun, wait });
      }
      refuseFleetOptions(command);
      const file = opts.file[0]!;
      if (reportIgnoredOnly({ io: ctx.io, output, file, namespace, verb: 'apply' })) return ExitCode.Success;
      const snapshot = snapshotOnly(ctx, file, namespace);
      if (snapshot) return applySnapshot({ ctx, command, output, ...snapshot, dryRun: opts.dryRun });
      const { spec, notes: specNotes } = requireManifest(file, namespace);
      const notes = notesJson(specNotes);
      const settings = settingsOf(command, ctx.io);
      const app = { namespace: spec.namespace, name: spec.name };
      if (opts.dryRun) {
        const record = await readDeployedRecord(settings, app);
        const plan = planJson(
          spec,
          diffSpecs(record?.lastAppliedSpec ?? undefined, spec),
          record?.operation
            ? { workflowId: record.operation.workflowId, type: record.operation.type, phase: record.operation.phase }
            : undefined,
        );
        output.data(
          withNotes({ dryRun: true, ...plan }, notes),
          () => `${planText(plan)}${notes.length > 0 ? `\n${notesText(notes)}` : ''}\n(dry run: nothing was started)`,
        );
        return ExitCode.Success;
      }
      await refuseUnfitSessionCluster(settings, spec);
      const change = await changeIfReadable(settings, spec);
      const input: ApplyInput = opts.fromScratch ? { spec, fromScratch: true } : { spec };
      return startAndFollow({
        io: ctx.io,
        output,
        settings,
        wait: waitOptionsOf(command, ctx.io),
        request: {
          app,
          workflowType: 'apply',
          operation: change ? applyOperation(spec, change) : 'apply',
          input,
          summary: applySummary(spec, change),
          details: applyDetails(spec, change),
          notes,
        },
      });
    }),
  );
}
