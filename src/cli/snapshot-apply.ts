/**
 * `apply -f` of a file holding one FlinkStateSnapshot: a savepoint to take of the FlinkDeployment in its
 * jobReference runs the manual savepoint operation (the same workflow as `flink-deploy savepoint <app>`), in the
 * directory (`savepoint.path`) and format (`savepoint.formatType`) it names.
 * An existing savepoint (`alreadyExists: true`, a `path`) is registered in the record of the application
 * or session job its jobReference names (workflow `registerSavepoint`, under that application's lock).
 * Refused before anything starts (exit 2): no jobReference, a jobReference naming no record, a session
 * cluster or the other kind. A snapshot of a FlinkSessionJob is a savepoint of that job (its own record).
 */
import type { Command } from 'commander';
import type { CliContext } from './command-kit';
import { Operation } from '../contract/operations';
import { SavepointKind } from '../contract/savepoints';
import type { RegisterSavepointInput, SavepointInput } from '../contract/workflow-inputs';
import { savepointPathKey } from '../contract/savepoint-paths';
import { readDeployedRecord } from './deployed-state';
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
  if (snapshot.action === 'register') return registerSnapshot({ ...input, where });
  // A FlinkDeployment (an application) or a FlinkSessionJob: each has its own record under its name.
  if (!snapshot.job)
    throw refused(`${where}: no spec.jobReference`, 'Name the FlinkDeployment or FlinkSessionJob to snapshot.');
  const app = { namespace: snapshot.namespace, name: snapshot.job.name };
  // Where and in which format, as the snapshot asks (the Apache operator's savepoint.path and formatType).
  const asked = {
    ...(snapshot.path !== undefined ? { targetDirectory: snapshot.path } : {}),
    ...(snapshot.formatType !== undefined ? { formatType: snapshot.formatType } : {}),
  };
  if (input.dryRun) {
    output.data(
      {
        dryRun: true,
        snapshot: { namespace: app.namespace, name: snapshot.name },
        operation: Operation.Savepoint,
        app,
        ...asked,
        notes: input.notes,
      },
      () =>
        `apply would take a savepoint of ${app.namespace}/${app.name}${askedWords(asked)} (${where})\n` +
        '(dry run: nothing was started)',
    );
    return ExitCode.Success;
  }
  const savepoint: SavepointInput = { app, kind: SavepointKind.Manual, ...asked };
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

/** ` in <directory>, <format>` of what a snapshot asks; empty when it asks neither. */
function askedWords(asked: { targetDirectory?: string; formatType?: string }): string {
  const words = [
    ...(asked.targetDirectory ? [`in ${asked.targetDirectory}`] : []),
    ...(asked.formatType ? [asked.formatType] : []),
  ];
  return words.length > 0 ? ` (${words.join(', ')})` : '';
}

/** Registers the existing savepoint of the snapshot in the record its jobReference names (see the module comment). */
async function registerSnapshot(input: Parameters<typeof applySnapshot>[0] & { where: string }): Promise<ExitCode> {
  const { ctx, command, output, snapshot, where } = input;
  const path = snapshot.path;
  if (!path)
    throw refused(
      `${where}: savepoint.alreadyExists: true needs savepoint.path`,
      'Give the existing savepoint directory.',
    );
  if (!snapshot.job)
    throw refused(
      `${where}: registering an existing savepoint (savepoint.alreadyExists: true) needs spec.jobReference: the ` +
        'FlinkDeployment or FlinkSessionJob whose record gets it',
      'Add jobReference: { kind: FlinkDeployment, name: <app> } (or kind: FlinkSessionJob). To start a new ' +
        `application from it, put spec.job.initialSavepointPath: ${path} in its FlinkDeployment (in the same file ` +
        'as the snapshot, the snapshot is a note).',
    );
  const app = { namespace: snapshot.namespace, name: snapshot.job.name };
  const settings = settingsOf(command, ctx.io);
  const record = await readDeployedRecord(settings, app);
  const kindName = snapshot.job.kind;
  if (!record || !record.lastAppliedSpec)
    throw refused(
      `${where}: spec.jobReference names ${kindName} ${app.namespace}/${app.name}, which has no deployed state ` +
        '(never applied, or deleted): a savepoint is registered in the record of an application or session job',
      `Check spec.jobReference.name and metadata.namespace (flink-deploy status ${app.name} -n ${app.namespace}), ` +
        `or apply the ${kindName} first.`,
    );
  if (record.lastAppliedSpec.sessionCluster === true)
    throw refused(
      `${where}: ${app.namespace}/${app.name} is a session cluster: it has no job of its own to restore a savepoint`,
      'Name the FlinkSessionJob that runs on it in spec.jobReference (kind: FlinkSessionJob).',
    );
  const isSessionJob = record.lastAppliedSpec.sessionJob !== undefined;
  if ((kindName === 'FlinkSessionJob') !== isSessionJob)
    throw refused(
      `${where}: spec.jobReference names ${kindName} ${app.name}, but ${app.namespace}/${app.name} is a ` +
        `${isSessionJob ? 'FlinkSessionJob' : 'FlinkDeployment'}`,
      `Write jobReference: { kind: ${isSessionJob ? 'FlinkSessionJob' : 'FlinkDeployment'}, name: ${app.name} }.`,
    );
  const key = savepointPathKey(path);
  const known = record.savepoints.find((s) => !s.disposed && savepointPathKey(s.location) === key);
  if (input.dryRun) {
    const would = known
      ? `nothing would change: ${known.location} is already in the record of ${app.namespace}/${app.name} ` +
        `(kind ${known.kind}, ${known.time})`
      : `apply would register the existing savepoint ${path} in the record of ${app.namespace}/${app.name} ` +
        '(the worker checks it exists first)';
    output.data(
      {
        dryRun: true,
        snapshot: { namespace: app.namespace, name: snapshot.name },
        operation: Operation.Savepoint,
        register: { path, ...(known ? { alreadyRecorded: { location: known.location, kind: known.kind } } : {}) },
        app,
        notes: input.notes,
      },
      () => `${would} (${where})\n(dry run: nothing was started)`,
    );
    return ExitCode.Success;
  }
  const register: RegisterSavepointInput = { app, path, jobKind: kindName };
  return startAndFollow({
    io: ctx.io,
    output,
    settings,
    wait: waitOptionsOf(command, ctx.io),
    request: {
      app,
      workflowType: 'registerSavepoint',
      operation: Operation.Savepoint,
      input: register,
      summary: operationSummary('savepoint', app, `register ${path} (${where})`),
      notes: input.notes,
    },
  });
}
