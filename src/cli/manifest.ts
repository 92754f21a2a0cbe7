/** Reads a manifest file and parses it into an AppSpec; an invalid spec is exit code 2. */
import { formatSpecIssues } from '../spec/errors';
import { parseAppSpec, parseAppSpecs, type ParseManyResult } from '../spec/parse';
import { namedTwice, parseManifestFile, type ManifestFileResult } from '../spec/manifest-file';
import { defaultSessionJarSchemes, parseSessionJarSchemes, sessionJarSchemesEnv } from '../spec/session-jar-schemes';
import type { SpecNote } from '../spec/types';
import type { Env } from '../config/settings';
import type { AppSpec, SpecIssue } from '../spec/types';
import { CliError, CliErrorCode } from './errors';
import { readManifestText } from './manifest-text';

/** One issue as `--output json` prints it. */
export interface IssueJson {
  code: string;
  path: string;
  message: string;
  hint?: string;
  line?: number;
  column?: number;
  document?: number;
}

/** The issues as JSON (stable field names). */
export function issuesJson(issues: readonly SpecIssue[]): IssueJson[] {
  return issues.map(({ code, path, message, hint, line, column, document }) => ({
    code,
    path,
    message,
    hint,
    line,
    column,
    document,
  }));
}

/** Result of `loadManifest`. */
export type LoadedManifest = { ok: true; spec: AppSpec; notes?: SpecNote[] } | { ok: false; issues: SpecIssue[] };

function namespaceConflict(file: string, named: string, given: string): CliError {
  return new CliError({
    code: CliErrorCode.NamespaceConflict,
    message: `${file} names the namespace ${named} (metadata.namespace), and -n/--namespace says ${given}`,
    hint:
      `Drop -n to use ${named}, or remove metadata.namespace from the manifest to ` +
      `choose it with -n. Nothing was started.`,
  });
}

/** The setting sessionJob.jarSchemes from the environment (validate reads no other setting); bad: exit 2. */
export function sessionJarSchemesOf(env: Env) {
  const text = env[sessionJarSchemesEnv];
  if (text === undefined) return defaultSessionJarSchemes;
  try {
    return parseSessionJarSchemes(text);
  } catch (err) {
    throw new CliError({
      code: CliErrorCode.InvalidSetting,
      message: (err as Error).message,
      hint: `Set ${sessionJarSchemesEnv} to a comma-separated list of https, s3, http, file (default https,s3).`,
    });
  }
}

/**
 * Reads and checks every document of a manifest file (validate). A document naming another namespace than
 * `-n` is a `NamespaceConflict` CliError (exit 2), as kubectl refuses it.
 */
export function loadManifestFile(file: string, namespace: string | undefined, env: Env): ManifestFileResult {
  const read = readManifestText(file);
  if (!read.ok) return read;
  const loaded = parseManifestFile(read.text, {
    defaultNamespace: namespace,
    sessionJarSchemes: sessionJarSchemesOf(env),
  });
  // What apply would refuse: one application named by two documents.
  const twice = loaded.ok ? namedTwice(loaded.documents) : [];
  if (twice.length > 0) return { ok: false, issues: twice };
  if (loaded.ok && namespace !== undefined) {
    for (const doc of loaded.documents) {
      const named: string =
        doc.kind === 'application'
          ? doc.spec.namespace
          : doc.kind === 'session-job'
            ? doc.job.namespace
            : doc.kind === 'snapshot'
              ? doc.snapshot.namespace
              : doc.kind === 'session-cluster'
                ? doc.namespace
                : namespace;
      if (named !== namespace) throw namespaceConflict(file, named, namespace);
    }
  }
  return loaded;
}

/**
 * Reads and validates a manifest. `namespace` (`-n`) is the namespace of a manifest that names none; a manifest
 * naming another is a `NamespaceConflict` CliError (exit 2), as kubectl refuses it.
 */
export function loadManifest(file: string, namespace?: string, env: Env = process.env): LoadedManifest {
  const read = readManifestText(file);
  if (!read.ok) return read;
  const loaded = parseAppSpec(read.text, {
    defaultNamespace: namespace,
    sessionJarSchemes: sessionJarSchemesOf(env),
  });
  if (loaded.ok && namespace !== undefined && loaded.spec.namespace !== namespace)
    throw namespaceConflict(file, loaded.spec.namespace, namespace);
  return loaded;
}

/**
 * Reads and validates every application, session cluster and session job of a manifest file (a fleet's),
 * with `loadManifest`'s namespace rule.
 */
export function loadManifests(file: string, namespace?: string, env: Env = process.env): ParseManyResult {
  const read = readManifestText(file);
  if (!read.ok) return read;
  const loaded = parseAppSpecs(read.text, {
    defaultNamespace: namespace,
    sessionJarSchemes: sessionJarSchemesOf(env),
  });
  if (loaded.ok && namespace !== undefined)
    for (const spec of loaded.specs)
      if (spec.namespace !== namespace) throw namespaceConflict(file, spec.namespace, namespace);
  return loaded;
}

/** How many applications, session clusters and session jobs a readable file holds (0 when it cannot tell). */
export function applicationsIn(file: string): number {
  try {
    const read = readManifestText(file);
    const parsed = read.ok ? parseManifestFile(read.text, {}) : read;
    if (!parsed.ok) return 0;
    return parsed.documents.filter(
      (d) => d.kind === 'application' || d.kind === 'session-cluster' || d.kind === 'session-job',
    ).length;
  } catch {
    return 0;
  }
}

/** Reads and validates a manifest, throwing an `InvalidSpec` CliError (exit 2) with every issue. */
export function requireSpec(file: string, namespace?: string): AppSpec {
  return requireManifest(file, namespace).spec;
}

/** Like `requireSpec`, with the manifest's notes (what is ignored). */
export function requireManifest(file: string, namespace?: string): { spec: AppSpec; notes: SpecNote[] } {
  const loaded = loadManifest(file, namespace);
  if (loaded.ok) return { spec: loaded.spec, notes: loaded.notes ?? [] };
  throw new CliError({
    code: CliErrorCode.InvalidSpec,
    message:
      `${file} is not a valid manifest (${loaded.issues.length} ` +
      `problem${loaded.issues.length === 1 ? '' : 's'}):\n${formatSpecIssues(loaded.issues)}`,
    hint: 'Fix the fields above and run `flink-deploy validate -f` again. Nothing was started.',
    data: { valid: false, errors: issuesJson(loaded.issues) },
  });
}
