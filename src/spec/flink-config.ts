/**
 * Flink configuration: flattening nested `flinkConfiguration` maps to dotted keys, the key
 * names that differ between Flink 1.x and 2.x, and the keys flink-deploy owns.
 */
import { isRecord } from './yaml-documents';
import { haStorageDirKey } from './high-availability';
import { credentialsProblem, isAbsoluteStatePath } from './validators';
import { fileHostProblem, schemeCaseProblem, uriAuthority, uriScheme, type ValueProblem } from './uris';
import { SpecIssueCode, type FlinkVersion, type SpecIssue } from './types';

/** Configuration purposes whose key name depends on the Flink version. */
export const ConfigPurpose = {
  /** Savepoint/checkpoint to restore from. */
  RestorePath: 'restorePath',
  /** Skip state that cannot be mapped to the new job graph. */
  AllowNonRestored: 'allowNonRestored',
  /** CLAIM / NO_CLAIM restore mode. */
  ClaimMode: 'claimMode',
  /** Default savepoint directory. */
  SavepointDir: 'savepointDir',
  /** Checkpoint directory. */
  CheckpointDir: 'checkpointDir',
} as const;
export type ConfigPurpose = (typeof ConfigPurpose)[keyof typeof ConfigPurpose];

const keyNames: Record<ConfigPurpose, { v1: string; v2: string }> = {
  restorePath: { v1: 'execution.savepoint.path', v2: 'execution.state-recovery.path' },
  allowNonRestored: {
    v1: 'execution.savepoint.ignore-unclaimed-state',
    v2: 'execution.state-recovery.ignore-unclaimed-state',
  },
  claimMode: { v1: 'execution.savepoint-restore-mode', v2: 'execution.state-recovery.claim-mode' },
  savepointDir: { v1: 'state.savepoints.dir', v2: 'execution.checkpointing.savepoint-dir' },
  checkpointDir: { v1: 'state.checkpoints.dir', v2: 'execution.checkpointing.dir' },
};

/**
 * The Flink configuration key for `purpose` in `version`: the 1.x names for Flink 1.18–1.20
 * (1.20 reads both), the new names for 2.x.
 */
export function configKey(version: FlinkVersion, purpose: ConfigPurpose): string {
  const names = keyNames[purpose];
  return version.major >= 2 ? names.v2 : names.v1;
}

/** Every name (1.x and 2.x) of a purpose. */
export function configKeyNames(purpose: ConfigPurpose): readonly string[] {
  const names = keyNames[purpose];
  return [names.v1, names.v2];
}

/** Keys that always carry our values; the renderer writes them. */
export const forcedConfig = {
  'execution.shutdown-on-application-finish': 'false',
  'execution.submit-failed-job-on-application-error': 'true',
  'jobmanager.rpc.port': '6123',
  'blob.server.port': '6124',
  'rest.port': '8081',
} as const;

/** Keys the user may not set, with why and what to do instead. */
const ownedKeys: Record<string, string> = {
  '$internal.pipeline.job-id': 'flink-deploy chooses a fresh job id for every deploy generation; remove this key.',
  'jobmanager.rpc.address': 'flink-deploy points TaskManagers at the <app> Service; remove this key.',
  'kubernetes.cluster-id':
    'flink-deploy sets one cluster id per deploy generation (<app>-g<generation>), so a new generation ' +
    "never restores from the previous one's HA metadata; remove this key.",
  'high-availability.cluster-id':
    'flink-deploy sets one cluster id per deploy generation (<app>-g<generation>), so a new generation ' +
    "never restores from the previous one's HA metadata; remove this key.",
  ...Object.fromEntries(
    configKeyNames('restorePath').map((key) => [
      key,
      'flink-deploy sets the restore path itself; use spec.job.initialSavepointPath for the first deploy, ' +
        'or `flink-deploy rollback --savepoint <path>` later.',
    ]),
  ),
  ...Object.fromEntries(
    configKeyNames('allowNonRestored').map((key) => [key, 'Use spec.job.allowNonRestoredState instead.']),
  ),
};

/** Line breaks and other control characters (a tab is kept: Flink trims it). */
const controlCharacter = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** A key as a message can show it, its line breaks written `\n`. */
function printable(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** What cuts or splits a `key: value` line of flink-conf.yaml, first match named. */
const legacyLineBreakers: { breaks: (key: string, value: string) => boolean; problem: string }[] = [
  {
    breaks: (key, value) => controlCharacter.test(key) || controlCharacter.test(value),
    problem: 'a line break (or control character) would start another line',
  },
  { breaks: (key, value) => key.includes('#') || value.includes('#'), problem: '"#" would start a comment' },
  { breaks: (key) => key.includes(': '), problem: '": " in the key would end it there' },
];

/**
 * Issues of keys and values Flink 1.x's `flink-conf.yaml` cannot carry. It reads `key: value` lines: a line break
 * would start another line (another key, set by the value), a `#` starts a comment that cuts the line, and the
 * key ends at its first `: `. Flink 2.x's `config.yaml` is YAML, written quoted where needed: it holds them all.
 */
export function legacyConfigFileIssues(config: Record<string, string>, basePath: string): SpecIssue[] {
  return Object.entries(config).flatMap(([key, value]): SpecIssue[] => {
    const problem = legacyLineBreakers.find(({ breaks }) => breaks(key, value))?.problem;
    if (!problem) return [];
    return [
      {
        code: SpecIssueCode.InvalidValue,
        path: `${basePath}["${printable(key)}"]`,
        message: `Flink 1.x's flink-conf.yaml cannot hold "${printable(key)}" as given: ${problem}`,
        hint: 'Leave the character out, or use Flink 2.x (its config.yaml is YAML and holds it).',
      },
    ];
  });
}

/**
 * Flattens nested maps to dotted keys; scalar values become strings, lists are joined with ';'. Every key is
 * an ordinary key, those named like a JavaScript object's own (`constructor`, `toString`, `__proto__`) too.
 */
export function flattenConfiguration(
  input: Record<string, unknown>,
  basePath: string,
): { config: Record<string, string>; issues: SpecIssue[] } {
  const config = new Map<string, string>();
  const issues: SpecIssue[] = [];
  const visit = (value: unknown, key: string): void => {
    const path = `${basePath}["${printable(key)}"]`;
    if (isRecord(value)) {
      for (const [child, childValue] of Object.entries(value)) visit(childValue, `${key}.${child}`);
      return;
    }
    let text: string | undefined;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') text = String(value);
    else if (Array.isArray(value) && value.every((item) => ['string', 'number', 'boolean'].includes(typeof item)))
      text = value.map(String).join(';');
    if (text === undefined) {
      issues.push({
        code: SpecIssueCode.InvalidType,
        path,
        message: `value of "${key}" must be a string, number, boolean or list of them`,
        hint: 'Quote the value, e.g. "my value".',
      });
      return;
    }
    if (config.has(key) && config.get(key) !== text) {
      issues.push({
        code: SpecIssueCode.InvalidValue,
        path,
        message: `"${key}" is given twice (flat and nested) with different values`,
        hint: 'Keep one of them.',
      });
      return;
    }
    config.set(key, text);
  };
  for (const [key, value] of Object.entries(input)) visit(value, key);
  return { config: Object.fromEntries(config), issues };
}

/** Issues for keys the user may not set (owned keys, conflicting forced values). */
export function ownedKeyIssues(config: Record<string, string>, basePath: string): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const [key, value] of Object.entries(config)) {
    const path = `${basePath}["${printable(key)}"]`;
    const owned = Object.hasOwn(ownedKeys, key) ? ownedKeys[key] : undefined;
    if (owned !== undefined) {
      issues.push({
        code: SpecIssueCode.OwnedKey,
        path,
        message: `"${key}" is managed by flink-deploy and may not be set`,
        hint: owned,
      });
      continue;
    }
    const forced = Object.hasOwn(forcedConfig, key) ? (forcedConfig as Record<string, string>)[key] : undefined;
    if (forced !== undefined && value.toLowerCase() !== forced) {
      issues.push({
        code: SpecIssueCode.OwnedKey,
        path,
        message: `"${key}" must be ${forced} under flink-deploy (it is ${value})`,
        hint: `Remove the key; flink-deploy sets ${key}: ${forced}.`,
      });
    }
  }
  return issues;
}

/**
 * Renames the version-dependent keys (directories, claim mode) to the names of `version`;
 * an issue when both names are given with different values.
 */
export function resolveVersionedKeys(
  config: Record<string, string>,
  version: FlinkVersion,
  basePath: string,
): { config: Record<string, string>; issues: SpecIssue[] } {
  const out = { ...config };
  const issues: SpecIssue[] = [];
  for (const purpose of [ConfigPurpose.SavepointDir, ConfigPurpose.CheckpointDir, ConfigPurpose.ClaimMode] as const) {
    const target = configKey(version, purpose);
    const given = configKeyNames(purpose).filter((key) => Object.hasOwn(out, key));
    const values = new Set(given.map((key) => out[key]));
    if (values.size > 1) {
      issues.push({
        code: SpecIssueCode.InvalidValue,
        path: `${basePath}["${target}"]`,
        message: `${given.join(' and ')} are both set, to different values`,
        hint: `Set only ${target}.`,
      });
      continue;
    }
    const [value] = [...values];
    for (const key of given) delete out[key];
    if (value !== undefined) out[target] = value;
  }
  return { config: sortKeys(out), issues };
}

/** A copy of `record` with keys in code-point order (deterministic output). */
export function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Issues for savepoint/checkpoint directories that are not absolute locations (any version's key names);
 * `fileOneSlash` as isAbsoluteStatePath's.
 */
export function directoryIssues(
  config: Record<string, string>,
  basePath: string,
  options: { fileOneSlash?: boolean } = {},
): SpecIssue[] {
  const keys = [...configKeyNames(ConfigPurpose.SavepointDir), ...configKeyNames(ConfigPurpose.CheckpointDir)];
  return keys
    .filter((key) => config[key] !== undefined && !isAbsoluteStatePath(config[key] ?? '', options))
    .map((key) => ({
      code: SpecIssueCode.InvalidValue,
      path: `${basePath}["${key}"]`,
      message: `${key} must be an absolute location (it is ${config[key]})`,
      hint: 'Use a URI such as s3://bucket/flink/savepoints or file:///flink-data/savepoints.',
    }));
}

/**
 * A checkpoint or savepoint directory Flink's checkpoint storage refuses as the job starts ("Could not instantiate
 * configured checkpoint storage"): a path without a scheme ("The scheme (hdfs://, file://, etc) is null"), the
 * root directory. A relative one `directoryIssues` refuses.
 */
function storageDirectoryProblem(value: string): ValueProblem | undefined {
  const scheme = uriScheme(value);
  if (scheme === undefined)
    return value.startsWith('/')
      ? {
          message:
            `"${value}" has no scheme: Flink's checkpoint storage refuses a directory without one ("The scheme ` +
            `(hdfs://, file://, etc) is null")`,
          hint: `Write file://${value} (a path on the pods' file system) or the URI of your storage.`,
        }
      : undefined;
  const authority = uriAuthority(value);
  const path = value.slice(scheme.length + 1 + (authority === undefined ? 0 : 2 + authority.length));
  if (path.replace(/\/+/g, '/') !== '/' && path !== '') return undefined;
  return {
    message:
      `"${value}" is the root directory: Flink refuses it for checkpoints and savepoints ("Cannot use the root ` +
      'directory for checkpoints")',
    hint: `Name a directory below it, e.g. ${value.replace(/\/+$/, '')}/flink/checkpoints.`,
  };
}

/**
 * The HA storage directory as a relative path: Flink resolves it against the JobManager's working directory in
 * its container, gone with the pod, so the HA metadata would not outlive the JobManager restart it is for.
 */
function haDirectoryProblem(value: string): ValueProblem | undefined {
  if (uriScheme(value) !== undefined || value.startsWith('/')) return undefined;
  return {
    message:
      `"${value}" is a relative path: Flink resolves it against the JobManager's working directory in its ` +
      'container, gone with the pod, so the HA metadata would not outlive the JobManager restart it is kept for',
    hint: 'Give an absolute URI on storage the pods share, e.g. s3://bucket/flink/ha or file:///flink-data/ha.',
  };
}

/**
 * The launch checks of the state directories (ValidateOptions.launchChecks; any version's key names, as written):
 * what Flink cannot open, measured with Flink 2.3 and 1.20: a scheme in upper case, a `file://<host>/` path, a
 * checkpoint or savepoint directory without a scheme or at the root, a relative HA storage directory; with
 * `credentials` (ValidateOptions.specChecks3), credentials in the URI, as in a jar URI or a savepoint path.
 */
export function stateDirectoryIssues(
  config: Record<string, string>,
  basePath: string,
  options: { credentials: boolean },
): SpecIssue[] {
  const storageKeys = [...configKeyNames(ConfigPurpose.SavepointDir), ...configKeyNames(ConfigPurpose.CheckpointDir)];
  return [...storageKeys, haStorageDirKey].flatMap((key): SpecIssue[] => {
    const value = Object.hasOwn(config, key) ? config[key] : undefined;
    if (value === undefined) return [];
    // Credentials first: the other messages may show the URI as written.
    const problem =
      (options.credentials ? credentialsProblem(value, 'state directory') : undefined) ??
      schemeCaseProblem(value) ??
      fileHostProblem(value) ??
      (key === haStorageDirKey ? haDirectoryProblem(value) : storageDirectoryProblem(value));
    return problem ? [{ code: SpecIssueCode.InvalidValue, path: `${basePath}["${key}"]`, ...problem }] : [];
  });
}
