/**
 * The entry points: manifest text (or an already parsed object) → `AppSpec`, or every issue.
 * Stage 1 checks the schema, the unsupported features and the Flink keys we own, all at once;
 * stage 2 (only when stage 1 passed) normalises and runs the cross-field checks.
 */
import { directoryIssues, flattenConfiguration, ownedKeyIssues } from './flink-config';
import { normalizeManifest } from './normalize';
import { configRefusals, documentRefusal, specRefusals } from './refusals';
import { flinkDeploymentSchema } from './schema';
import { sizeLimitIssues } from './size-limits';
import { fromZodIssues } from './zod-issues';
import { InvalidSpecError } from './errors';
import { isRecord, readManifestDocuments } from './yaml-documents';
import { SpecIssueCode, type AppSpec, type ParseResult, type SpecIssue } from './types';

function withDocument(issues: SpecIssue[], index: number | undefined): SpecIssue[] {
  return index === undefined ? issues : issues.map((issue) => ({ ...issue, document: index }));
}

/** Validates one FlinkDeployment document (already parsed from YAML or JSON). */
export function validateManifest(document: unknown): ParseResult {
  if (!isRecord(document)) {
    return {
      ok: false,
      issues: [
        {
          code: SpecIssueCode.NotAMapping,
          path: '',
          message: 'the manifest must be a mapping',
          hint: 'Give a FlinkDeployment object.',
        },
      ],
    };
  }
  const refusal = documentRefusal(document);
  if (refusal) return { ok: false, issues: [refusal] };

  const issues: SpecIssue[] = [...specRefusals(document.spec)];
  const spec = isRecord(document.spec) ? document.spec : undefined;
  const rawConfig = spec && isRecord(spec.flinkConfiguration) ? spec.flinkConfiguration : {};
  const flat = flattenConfiguration(rawConfig, 'spec.flinkConfiguration');
  issues.push(
    ...flat.issues,
    ...ownedKeyIssues(flat.config, 'spec.flinkConfiguration'),
    ...directoryIssues(flat.config, 'spec.flinkConfiguration'),
    ...configRefusals(flat.config, 'spec.flinkConfiguration'),
  );

  const parsed = flinkDeploymentSchema.safeParse(document, { reportInput: true });
  if (!parsed.success) {
    const refusedPaths = new Set(issues.map((issue) => issue.path));
    issues.push(
      ...fromZodIssues(parsed.error.issues, flinkDeploymentSchema).filter((issue) => !refusedPaths.has(issue.path)),
    );
  }
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };

  const normalized = normalizeManifest({ manifest: parsed.data, flatConfig: flat.config, document });
  if (!normalized.spec) return { ok: false, issues: normalized.issues };
  const limits = sizeLimitIssues(normalized.spec);
  if (limits.length > 0) return { ok: false, issues: limits };
  return { ok: true, spec: normalized.spec };
}

/** Options of `parseAppSpec`. */
export interface ParseOptions {
  /**
   * The namespace of a manifest whose `metadata.namespace` is absent (the CLI's `-n`, as kubectl's).
   * @default "default"
   */
  defaultNamespace?: string;
}

/** The document with `metadata.namespace` set to `namespace` when it names none. */
function withDefaultNamespace(document: unknown, namespace: string | undefined): unknown {
  if (namespace === undefined || !isRecord(document) || !isRecord(document.metadata)) return document;
  if (document.metadata.namespace !== undefined) return document;
  return { ...document, metadata: { ...document.metadata, namespace } };
}

/**
 * Parses manifest text (one FlinkDeployment; other documents in the file are refused with a
 * reason) into an `AppSpec`, or returns every issue found.
 */
export function parseAppSpec(text: string, options: ParseOptions = {}): ParseResult {
  const read = readManifestDocuments(text);
  if (!read.ok) return read;
  const many = read.documents.length > 1;
  const issues: SpecIssue[] = [];
  const results: ParseResult[] = [];
  for (const { index, value } of read.documents) {
    const result = validateManifest(withDefaultNamespace(value, options.defaultNamespace));
    results.push(result);
    if (!result.ok) issues.push(...withDocument(result.issues, many ? index : undefined));
  }
  const deployments = read.documents.filter((doc) => doc.value.kind === 'FlinkDeployment');
  if (deployments.length > 1) {
    issues.push({
      code: SpecIssueCode.InvalidValue,
      path: 'kind',
      message: `the file holds ${deployments.length} FlinkDeployments; flink-deploy takes one application per file`,
      hint: 'Put each application in its own file.',
    });
  }
  if (issues.length > 0) return { ok: false, issues };
  const [only] = results;
  return only ?? { ok: false, issues: [{ code: SpecIssueCode.Empty, path: '', message: 'the manifest is empty' }] };
}

/** Like `parseAppSpec`, but throws `InvalidSpecError` (code `InvalidSpec`) with every issue. */
export function loadAppSpec(text: string): AppSpec {
  const result = parseAppSpec(text);
  if (!result.ok) throw new InvalidSpecError(result.issues);
  return result.spec;
}
