/**
 * The entry points: manifest text (or an already parsed object) → `AppSpec`, or every issue.
 * Stage 1 checks the schema, the unsupported features and the Flink keys we own, all at once;
 * stage 2 (only when stage 1 passed) normalises and runs the cross-field checks.
 * `parseManifestFile` reads every kind a file may hold (src/spec/manifest-file.ts); `parseAppSpec`
 * takes the one application `apply` and `plan` run.
 */
import { directoryIssues, flattenConfiguration, ownedKeyIssues } from './flink-config';
import { fileOneSlashIssues } from './file-one-slash';
import { normalizeManifest, type OptionValuesCheck } from './normalize';
import { deploymentNotes } from './notes';
import { documentRefusal, specRefusals } from './refusals';
import { flinkDeploymentSchema, type FlinkDeploymentManifest } from './schema';
import { launchIssues } from './launch-checks';
import { sizeLimitIssues } from './size-limits';
import { fromZodIssues } from './zod-issues';
import { InvalidSpecError } from './errors';
import { isRecord } from './yaml-documents';
import { parseManifestFile, type ManifestFileOptions } from './manifest-file';
import { validateSessionJob } from './session';
import { sessionJarSchemes } from './session-jar-schemes';
import { savepointPathKey } from '../contract/savepoint-paths';
import { SpecIssueCode, type AppSpec, type ParseResult, type SpecIssue, type SpecNote } from './types';

function notAMapping(): SpecIssue {
  return {
    code: SpecIssueCode.NotAMapping,
    path: '',
    message: 'the manifest must be a mapping',
    hint: 'Give a FlinkDeployment object.',
  };
}

/** Stage 1 of a FlinkDeployment (application or session cluster): schema, refusals, owned keys. */
export function checkDeploymentDocument(
  document: Record<string, unknown>,
  options: Pick<ValidateOptions, 'launchChecks' | 'specChecks3'> = {},
): {
  issues: SpecIssue[];
  manifest?: FlinkDeploymentManifest;
  flatConfig: Record<string, string>;
  notes: SpecNote[];
} {
  const issues: SpecIssue[] = [...specRefusals(document.spec)];
  const spec = isRecord(document.spec) ? document.spec : undefined;
  const rawConfig = spec && isRecord(spec.flinkConfiguration) ? spec.flinkConfiguration : {};
  const flat = flattenConfiguration(rawConfig, 'spec.flinkConfiguration');
  issues.push(
    ...flat.issues,
    ...ownedKeyIssues(flat.config, 'spec.flinkConfiguration'),
    ...directoryIssues(flat.config, 'spec.flinkConfiguration'),
  );
  const parsed = flinkDeploymentSchema.safeParse(document, { reportInput: true });
  if (!parsed.success) {
    const refusedPaths = new Set(issues.map((issue) => issue.path));
    issues.push(
      ...fromZodIssues(parsed.error.issues, flinkDeploymentSchema).filter((issue) => !refusedPaths.has(issue.path)),
    );
  }
  if (options.launchChecks ?? true) {
    const named = new Set(issues.map((issue) => issue.path));
    const launch = launchIssues({
      document,
      config: flat.config,
      jarFetchedByFlink: true,
      specChecks3: options.specChecks3 ?? true,
    });
    issues.push(...launch.filter((issue) => !named.has(issue.path)));
  }
  const notes = deploymentNotes(document.spec, flat.config, 'spec.flinkConfiguration');
  return { issues, ...(parsed.success ? { manifest: parsed.data } : {}), flatConfig: flat.config, notes };
}

/** Options of `validateManifest`: checks a workflow's replay of a run started before them leaves out. */
export interface ValidateOptions {
  /** How option values Flink cannot read are refused (OptionValuesCheck). @default 'by-version' */
  optionValues?: OptionValuesCheck;
  /**
   * Refuse what Flink (or Linux, or Kubernetes) fails on as the new version starts though the checks before took
   * it (docs/spec.md, "Refused because Flink or the container launch would fail"): counts over 32 bits, jar and
   * state URIs Flink cannot open (src/spec/launch-checks.ts), credentials in them, memory over 2^63 − 1 bytes,
   * launch strings over MAX_ARG_STRLEN, labels Kubernetes refuses. Off only for a workflow's replay of a run
   * started before them (src/workflows/valid-input.ts, patch `launch-checks`).
   * @default true
   */
  launchChecks?: boolean;
  /**
   * The checks added third, after those of option values and the launch checks: a FlinkSessionJob's option values
   * Flink reads with the job (src/spec/job-level-options.ts), the stability window and timeout over 2 hours
   * (src/spec/stability-limits.ts), credentials in a state directory (with the launch checks). Off only for a
   * workflow's replay of a run started before them (src/workflows/valid-input.ts, patch `spec-checks-3`).
   * @default true
   */
  specChecks3?: boolean;
  /**
   * The checks added fourth: a FlinkSessionJob's stability timeout not longer than its window (either, when absent,
   * its default), refused as a FlinkDeployment's always was (src/spec/stability-limits.ts, `stabilityOrderIssues`):
   * the stability wait gives up before the window can end. Off only for a workflow's replay of a run started before
   * them (src/workflows/valid-input.ts, patch `spec-checks-4`).
   * @default true
   */
  specChecks4?: boolean;
  /**
   * The checks changed fifth: a state path in Flink's own form of a local path, `file:/…` (one slash; Flink's REST,
   * logs and our record show savepoints so), taken in `spec.job.initialSavepointPath` and a savepoint or checkpoint
   * directory, as `file:///…` always was (src/spec/file-one-slash.ts). False only for a workflow's replay of a run
   * started before them (src/workflows/valid-input.ts, patch `spec-checks-5`): refused, as then.
   * @default true
   */
  specChecks5?: boolean;
}

/** Validates one FlinkDeployment application document (already parsed from YAML or JSON). */
export function validateManifest(document: unknown, options: ValidateOptions = {}): ParseResult {
  if (!isRecord(document)) return { ok: false, issues: [notAMapping()] };
  // A session job: the jar scheme setting is the CLI's and the worker's to apply, not the workflow's.
  if (document.kind === 'FlinkSessionJob') {
    const job = validateSessionJob(document, {
      jarSchemes: sessionJarSchemes,
      launchChecks: options.launchChecks,
      specChecks3: options.specChecks3,
      specChecks4: options.specChecks4,
      specChecks5: options.specChecks5,
    });
    return job.ok ? { ok: true, spec: job.spec, notes: job.notes } : job;
  }
  const refusal = documentRefusal(document);
  if (refusal) return { ok: false, issues: [refusal] };
  const launchChecks = options.launchChecks ?? true;
  const specChecks3 = options.specChecks3 ?? true;
  const checked = checkDeploymentDocument(document, { launchChecks, specChecks3 });
  const issues = [...checked.issues];
  if (options.specChecks5 === false) issues.push(...fileOneSlashIssues(document, checked.flatConfig));
  if (issues.length > 0 || !checked.manifest) return { ok: false, issues };

  // No spec.job: a session cluster (AppSpec.sessionCluster; docs/spec.md, "Session mode").
  const sessionCluster = isRecord(document.spec) && document.spec.job === undefined;
  const normalized = normalizeManifest({
    manifest: checked.manifest,
    flatConfig: checked.flatConfig,
    document,
    sessionCluster,
    optionValues: options.optionValues ?? 'by-version',
    launchChecks,
    specChecks3,
  });
  if (!normalized.spec) return { ok: false, issues: normalized.issues };
  const limits = sizeLimitIssues(normalized.spec, { launchChecks });
  if (limits.length > 0) return { ok: false, issues: limits };
  return { ok: true, spec: normalized.spec, notes: [...checked.notes, ...(normalized.notes ?? [])] };
}

/** Options of `parseAppSpec`. */
export type ParseOptions = ManifestFileOptions;

/** The result of `parseAppSpecs`: every application, session cluster and session job of a file, in order. */
export type ParseManyResult = { ok: true; specs: AppSpec[]; notes?: SpecNote[] } | { ok: false; issues: SpecIssue[] };

/**
 * Parses manifest text (one FlinkDeployment application; documents `apply` cannot run are refused with a
 * reason, documents it ignores are notes) into an `AppSpec`, or returns every issue found.
 */
export function parseAppSpec(text: string, options: ParseOptions = {}): ParseResult {
  const parsed = parseAppSpecs(text, options);
  if (!parsed.ok) return parsed;
  if (parsed.specs.length > 1) {
    return {
      ok: false,
      issues: [
        {
          code: SpecIssueCode.InvalidValue,
          path: 'kind',
          message:
            `the file holds ${parsed.specs.length} applications, session clusters or session jobs; this command ` +
            'takes one',
          hint:
            '`flink-deploy apply -f <file>` applies them all as one rollout (session clusters before their jobs; ' +
            'add --dry-run to see the plan of each), or put each in its own file.',
        },
      ],
    };
  }
  return { ok: true, spec: parsed.specs[0]!, ...(parsed.notes ? { notes: parsed.notes } : {}) };
}

/**
 * Parses manifest text into every application, session cluster and session job it holds (`apply -f` of a
 * file with several: one rollout), or returns every issue found.
 */
export function parseAppSpecs(text: string, options: ParseOptions = {}): ParseManyResult {
  const file = parseManifestFile(text, options);
  if (!file.ok) return file;
  const many = file.documents.length > 1;
  const at = (index: number) => (many ? { document: index } : {});
  const issues: SpecIssue[] = [];
  const notes: SpecNote[] = [...file.notes];
  const applications = file.documents.flatMap((doc) =>
    doc.kind === 'application' || doc.kind === 'session-cluster' || doc.kind === 'session-job' ? [doc] : [],
  );
  for (const doc of file.documents) {
    switch (doc.kind) {
      case 'session-job':
        if (doc.job.jarUriPlaceholder)
          issues.push({
            code: SpecIssueCode.InvalidValue,
            path: 'spec.job.jarURI',
            message: `jarURI ${doc.job.jarURI} is a placeholder to fill in: the job cannot run`,
            hint: 'Give the URI of the job jar (https://…/job.jar or s3://bucket/job.jar). Nothing was started.',
            ...at(doc.index),
          });
        break;
      case 'snapshot': {
        // An existing savepoint the application in this file starts from is what initialSavepointPath says (in any
        // spelling of the same path: file:/x, file:///x, /x).
        const { path } = doc.snapshot;
        const startsFromIt =
          doc.snapshot.action === 'register' &&
          doc.snapshot.job === undefined &&
          path !== undefined &&
          applications.some(
            (app) =>
              app.spec.job.initialSavepointPath !== undefined &&
              savepointPathKey(app.spec.job.initialSavepointPath) === savepointPathKey(path),
          );
        if (applications.length === 0) break;
        if (startsFromIt)
          notes.push({
            path: 'kind',
            message:
              `the FlinkStateSnapshot ${doc.snapshot.name} names the savepoint the application starts from ` +
              '(spec.job.initialSavepointPath); nothing else is done with it',
            ...at(doc.index),
          });
        else
          issues.push({
            code: SpecIssueCode.Unsupported,
            path: 'kind',
            message: 'a FlinkStateSnapshot is applied from a file of its own, not beside a FlinkDeployment',
            hint: 'Move the FlinkStateSnapshot to its own file and `flink-deploy apply -f` it after the application.',
            ...at(doc.index),
          });
        break;
      }
      case 'kubernetes-object':
        issues.push({
          code: SpecIssueCode.InvalidValue,
          path: 'kind',
          message:
            `${/^[AEIOU]/.test(doc.objectKind) ? 'an' : 'a'} ${doc.objectKind} cannot be deployed by flink-deploy; ` +
            'only FlinkDeployment documents are accepted',
          hint: `Remove the ${doc.objectKind} from this file and apply it with kubectl.`,
          ...at(doc.index),
        });
        break;
      default:
        break;
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  if (applications.length === 0) {
    const canaries = file.documents.length > 0 && file.documents.every((doc) => doc.kind === 'canary');
    return {
      ok: false,
      issues: [
        canaries
          ? {
              code: SpecIssueCode.Empty,
              path: '',
              message: 'the file holds only operator canaries: there is no application to deploy',
              hint: 'Canaries check the health of the Apache operator; flink-deploy needs none.',
            }
          : file.documents.some((doc) => doc.kind === 'snapshot')
            ? {
                code: SpecIssueCode.InvalidValue,
                path: 'kind',
                message: 'the file holds a FlinkStateSnapshot, not an application',
                hint:
                  '`flink-deploy apply -f` takes or registers the savepoint it asks for; `plan` shows applications ' +
                  'only.',
              }
            : { code: SpecIssueCode.Empty, path: '', message: 'the manifest is empty' },
      ],
    };
  }
  return { ok: true, specs: applications.map((app) => app.spec), notes };
}

/** Like `parseAppSpec`, but throws `InvalidSpecError` (code `InvalidSpec`) with every issue. */
export function loadAppSpec(text: string): AppSpec {
  const result = parseAppSpec(text);
  if (!result.ok) throw new InvalidSpecError(result.issues);
  return result.spec;
}
