/** Reads a manifest file and parses it into an AppSpec; an invalid spec is exit code 2. */
import { readFileSync } from 'node:fs';
import { formatSpecIssues } from '../spec/errors';
import { parseAppSpec } from '../spec/parse';
import type { AppSpec, SpecIssue } from '../spec/types';
import { CliError, CliErrorCode } from './errors';

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

/** The manifest's text; `-` reads stdin. Unreadable → exit 2. */
export function readManifest(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new CliError({
      code: CliErrorCode.ManifestUnreadable,
      message: `cannot read the manifest ${file}: ${(err as Error).message}`,
      hint: 'Pass the path of a FlinkDeployment YAML file with -f.',
    });
  }
}

/** Result of `loadManifest`. */
export type LoadedManifest = { ok: true; spec: AppSpec } | { ok: false; issues: SpecIssue[] };

/**
 * Reads and validates a manifest. `namespace` (`-n`) is the namespace of a manifest that names none; a manifest
 * naming another is a `NamespaceConflict` CliError (exit 2), as kubectl refuses it.
 */
export function loadManifest(file: string, namespace?: string): LoadedManifest {
  const loaded = parseAppSpec(readManifest(file), { defaultNamespace: namespace });
  if (loaded.ok && namespace !== undefined && loaded.spec.namespace !== namespace) {
    throw new CliError({
      code: CliErrorCode.NamespaceConflict,
      message:
        `${file} names the namespace ${loaded.spec.namespace} (metadata.namespace), and -n/--namespace ` +
        `says ${namespace}`,
      hint:
        `Drop -n to use ${loaded.spec.namespace}, or remove metadata.namespace from the manifest to ` +
        `choose it with -n. Nothing was started.`,
    });
  }
  return loaded;
}

/** Reads and validates a manifest, throwing an `InvalidSpec` CliError (exit 2) with every issue. */
export function requireSpec(file: string, namespace?: string): AppSpec {
  const loaded = loadManifest(file, namespace);
  if (loaded.ok) return loaded.spec;
  throw new CliError({
    code: CliErrorCode.InvalidSpec,
    message:
      `${file} is not a valid FlinkDeployment (${loaded.issues.length} ` +
      `problem${loaded.issues.length === 1 ? '' : 's'}):\n${formatSpecIssues(loaded.issues)}`,
    hint: 'Fix the fields above and run `flink-deploy validate -f` again. Nothing was started.',
    data: { valid: false, errors: issuesJson(loaded.issues) },
  });
}
