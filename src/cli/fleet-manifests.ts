/**
 * `apply -f <folder or several files>`: which manifests make a fleet, read and validated all
 * together (every file's problems named at once, exit 2, nothing started), and planned against
 * each application's record as `plan` does.
 */
import { readdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { Settings } from '../config/settings';
import type { FleetApp } from '../contract/fleet';
import { diffSpecs } from '../spec/diff';
import { formatSpecIssues } from '../spec/errors';
import type { AppSpec } from '../spec/types';
import { namedAgain } from '../spec/manifest-file';
import { readDeployedRecord } from './deployed-state';
import { CliError, CliErrorCode } from './errors';
import { applicationsIn, issuesJson, loadManifests } from './manifest';
import { notRegularFile } from './manifest-text';
import { notesJson, notesText, type NoteJson } from './notes-view';
import { planJson, type PlanJson } from './plan-view';

/**
 * True when `-f` names a fleet: several files, a folder, or one file holding several applications, session
 * clusters or session jobs (the Apache operator's session examples hold a cluster and its jobs). A file of
 * one is today's apply.
 */
export function isFleet(files: readonly string[]): boolean {
  if (files.length > 1) return true;
  const [only] = files;
  if (!only || only === '-') return false;
  try {
    return statSync(only).isDirectory() || applicationsIn(only) > 1;
  } catch {
    return false;
  }
}

/** The names a folder's manifests have (as `kubectl apply -f <folder>` reads them; a manifest may be JSON). */
const manifestName = /\.(ya?ml|json)$/;

/** The manifest files `-f` names, and what was skipped in its folders. */
export interface ManifestFiles {
  /** Each file as given, then each folder's manifests sorted by name. */
  files: string[];
  /** Entries of the folders that are not read: other files, and subfolders (not read: no recursion). */
  skipped: string[];
}

function stdinInFleet(): CliError {
  return new CliError({
    code: CliErrorCode.Usage,
    message: '-f - (stdin) reads one manifest; it cannot be part of a fleet (several -f, or a folder)',
    hint: 'Pass every manifest as a file or a folder, or stdin alone. Nothing was started.',
  });
}

function unreadable(p: string, err: unknown): CliError {
  return new CliError({
    code: CliErrorCode.ManifestUnreadable,
    message: `cannot read the manifest ${p}: ${(err as Error).message}`,
    hint: 'Pass FlinkDeployment YAML files or a folder of them with -f. Nothing was started.',
  });
}

/**
 * The manifest files `-f` names: each file as given, a folder's `*.yaml`/`*.yml`/`*.json` sorted by name (each
 * read as if given with -f: one that is a FIFO, a device or a socket is refused, exit 2, and never opened). Its
 * other files and subfolders are skipped, and listed in `skipped`. Stdin (`-`) only alone.
 */
export function manifestFiles(paths: readonly string[]): ManifestFiles {
  if (paths.length > 1 && paths.includes('-')) throw stdinInFleet();
  const files: string[] = [];
  const skipped: string[] = [];
  for (const p of paths) {
    let stats: Stats | undefined;
    try {
      stats = p === '-' ? undefined : statSync(p);
    } catch (err) {
      throw unreadable(p, err);
    }
    if (!stats?.isDirectory()) {
      files.push(p);
      continue;
    }
    const entries = readdirSync(p, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    const inFolder: string[] = [];
    for (const entry of entries) {
      const file = path.join(p, entry.name);
      if (!manifestName.test(entry.name)) {
        skipped.push(entry.isDirectory() ? `${file}/` : file);
        continue;
      }
      let entryStats: Stats;
      try {
        entryStats = statSync(file); // through a symbolic link: what it names is read
      } catch (err) {
        throw unreadable(file, err);
      }
      // Read as if given with -f: a FIFO, a device or a socket is refused, and never opened.
      if (entryStats.isFile()) inFolder.push(file);
      else if (entryStats.isDirectory()) skipped.push(`${file}/`);
      else throw notRegularFile(file, entryStats);
    }
    if (inFolder.length === 0)
      throw new CliError({
        code: CliErrorCode.Usage,
        message: `the folder ${p} holds no manifest (*.yaml, *.yml, *.json)`,
        hint: 'Put one FlinkDeployment manifest per application in the folder. Nothing was started.',
      });
    files.push(...inFolder);
  }
  return { files, skipped };
}

/** The note naming what a folder held that was not read. */
export function skippedNote(skipped: readonly string[]): string {
  return `note: skipped (not *.yaml, *.yml or *.json; subfolders are not read): ${skipped.join(', ')}`;
}

/** One application of the fleet: its file and spec. */
export interface FleetManifest {
  file: string;
  spec: AppSpec;
}

/** The notes of one manifest file of a fleet (what flink-deploy accepts but ignores or runs differently). */
export interface FleetFileNotes {
  file: string;
  notes: NoteJson[];
}

/** The fleet's manifests, and the notes of each file that has some. */
export interface FleetManifests {
  manifests: FleetManifest[];
  notes: FleetFileNotes[];
  /** What the folders held that was not read (`skippedNote`). */
  skipped: string[];
}

/** `file:` then its `note:` lines, for each file with notes. */
export function fleetNotesText(notes: readonly FleetFileNotes[]): string {
  return notes.map((n) => `${n.file}:\n${notesText(n.notes)}`).join('\n');
}

/** Reads and validates every manifest; any invalid one, or one application twice: exit 2 naming them all. */
export function requireFleetSpecs(paths: readonly string[], namespace?: string): FleetManifests {
  const { files, skipped } = manifestFiles(paths);
  if (files.includes('-')) throw stdinInFleet();
  const loaded = files.map((file) => ({ file, loaded: loadManifests(file, namespace) }));
  const invalid = loaded.filter((l) => !l.loaded.ok);
  if (invalid.length) {
    const sections = invalid.map((l) => (l.loaded.ok ? '' : `${l.file}:\n${formatSpecIssues(l.loaded.issues)}`));
    throw new CliError({
      code: CliErrorCode.InvalidSpec,
      message: `${invalid.length} of ${files.length} manifests are not valid FlinkDeployments:\n${sections.join('\n')}`,
      hint: 'Fix the fields above and run `flink-deploy validate -f` on each. Nothing was started.',
      data: {
        valid: false,
        files: invalid.map((l) => ({ file: l.file, errors: l.loaded.ok ? [] : issuesJson(l.loaded.issues) })),
      },
    });
  }
  const manifests = loaded.flatMap((l) => (l.loaded.ok ? l.loaded.specs.map((spec) => ({ file: l.file, spec })) : []));
  const twice = namedAgain(manifests.map((m) => ({ name: `${m.spec.namespace}/${m.spec.name}`, file: m.file }))).map(
    ({ first, again }) => `${again.name} (${first.file} and ${again.file})`,
  );
  if (twice.length)
    throw new CliError({
      code: CliErrorCode.Usage,
      message: `one manifest per application: ${twice.join('; ')}`,
      hint: 'Keep one manifest of each application in the fleet. Nothing was started.',
    });
  const notes = loaded.flatMap((l) =>
    l.loaded.ok && l.loaded.notes?.length ? [{ file: l.file, notes: notesJson(l.loaded.notes) }] : [],
  );
  return { manifests, notes, skipped };
}

/** Planned reads at once. */
const PLAN_READS_AT_ONCE = 8;

/** One application's plan, and the rollout's entry for it. */
export interface FleetPlanEntry {
  file: string;
  plan: PlanJson;
  app: FleetApp;
}

/** Plans every application against its record (the cluster must be readable: a fleet is never applied blind). */
export async function planFleet(settings: Settings, manifests: readonly FleetManifest[]): Promise<FleetPlanEntry[]> {
  if (!settings.kubeconfig)
    throw new CliError({
      code: CliErrorCode.InvalidSetting,
      message: 'a fleet rollout plans every application against the cluster first, and no kubeconfig is set',
      hint: 'Set --kubeconfig (or KUBECONFIG / FLINK_DEPLOY_KUBECONFIG). Nothing was started.',
    });
  const entries: FleetPlanEntry[] = new Array(manifests.length);
  let next = 0;
  const planOne = async (): Promise<void> => {
    for (let i = next++; i < manifests.length; i = next++) {
      const { file, spec } = manifests[i]!;
      const record = await readDeployedRecord(settings, spec);
      const previous = record?.lastStableSpec ?? record?.lastAppliedSpec ?? undefined;
      const change = diffSpecs(record?.lastAppliedSpec ?? undefined, spec);
      const plan = planJson(
        spec,
        change,
        record?.operation
          ? { workflowId: record.operation.workflowId, type: record.operation.type, phase: record.operation.phase }
          : undefined,
      );
      entries[i] = {
        file,
        plan,
        app: {
          spec,
          operation: plan.operation,
          unchanged: change.class === 'none' && change.changes.length === 0,
          ...(previous ? { previousSpec: previous } : {}),
        },
      };
    }
  };
  await Promise.all(Array.from({ length: Math.min(PLAN_READS_AT_ONCE, manifests.length) }, planOne));
  return entries;
}
