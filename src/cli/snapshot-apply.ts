/**
 * `apply -f` of a file holding one FlinkStateSnapshot: a savepoint to take of the FlinkDeployment in its
 * jobReference runs the manual savepoint operation (the same workflow as `flink-deploy savepoint <app>`).
 * What cannot map yet is refused (exit 2, nothing started): registering an existing savepoint
 * (`alreadyExists: true`). A snapshot of a FlinkSessionJob is a savepoint of that job (its own record).
 */
import type { Command } from 'commander';
import type { CliContext } from './command-kit';
import { Operation } from '../contract/operations';
import { SavepointKind } from '../contract/savepoints';
import type { SavepointInput } from '../contract/workflow-inputs';
import type { SnapshotSpec } from '../spec/snapshot';
import { CliError, CliErrorCode } from './errors';
import { ExitCode } from './exit-codes';
import { loadManifestFile } from './manifest';
import { notesJson } from './notes-view';
import type { Output } from './output';
import { settingsOf } from './options';
import { startAndFollow } from './start-and-follow';
import { operationSummary } from './summaries';
import { waitOptionsOf } from './wait-options';

/** The one snapshot of the file, when the file holds only that; otherwise undefined (the caller goes on). */
export function snapshotOnly(
  ctx: CliContext,
  file: string,
  namespace: string | undefined,
): { snapshot: SnapshotSpec; notes: ReturnType<typeof notesJson> } | undefined {
  const loaded = loadManifestFile(file, namespace, ctx.io.env);
  if (!loaded.ok || loaded.documents.length !== 1) return undefined;
  const [only] = loaded.documents;
  return only?.kind === 'snapshot' ? { snapshot: only.snapshot, notes: notesJson(loaded.notes) } : undefined;
}

function refused(message: string, hint: string): CliError {
  return new CliError({ code: CliErrorCode.InvalidSpec, message, hint: `${hint} Nothing was started.` });
}

/** Takes the savepoint the snapshot asks for, or refuses what does not map. */
export async function applySnapshot(input: {
  ctx: CliContext;
  command: Command;
  output: Output;
  snapshot: SnapshotSpec;
  notes: ReturnType<typeof notesJson>;
  dryRun: boolean;
}): Promise<ExitCode> {
  const { ctx, command, output, snapshot } = input;
  const where = `FlinkStateSnapshot ${snapshot.namespace}/${snapshot.name}`;
  if (snapshot.action === 'register')
    throw refused(
      `${where}: registering an existing savepoint (savepoint.alreadyExists: true) in an application's record ` +
        'is not supported yet',
      `Start an application from it with spec.job.initialSavepointPath: ${snapshot.path ?? '<path>'}, or restore ` +
        'a deployed one with `flink-deploy rollback <app> --to-savepoint <path>`.',
    );
  // A FlinkDeployment (an application) or a FlinkSessionJob: each has its own record under its name.
  if (!snapshot.job)
    throw refused(`${where}: no spec.jobReference`, 'Name the FlinkDeployment or FlinkSessionJob to snapshot.');
  const app = { namespace: snapshot.namespace, name: snapshot.job.name };
  if (input.dryRun) {
    output.data(
      {
        dryRun: true,
        snapshot: { namespace: app.namespace, name: snapshot.name },
        operation: Operation.Savepoint,
        app,
        notes: input.notes,
      },
      () => `apply would take a savepoint of ${app.namespace}/${app.name} (${where})\n(dry run: nothing was started)`,
    );
    return ExitCode.Success;
  }
  const savepoint: SavepointInput = { app, kind: SavepointKind.Manual };
  return startAndFollow({
    io: ctx.io,
    output,
    settings: settingsOf(command, ctx.io),
    wait: waitOptionsOf(command, ctx.io),
    request: {
      app,
      workflowType: 'savepoint',
      operation: Operation.Savepoint,
      input: savepoint,
      summary: operationSummary('savepoint', app, `(${where})`),
      notes: input.notes,
    },
  });
}
