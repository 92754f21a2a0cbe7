/**
 * The launch checks (ValidateOptions.launchChecks) of a document's values as written, beside its schema: what
 * Flink (or Kubernetes, applying the objects) fails on as the new version starts, after an upgrade stopped the
 * old job. The rules are the values' own (src/spec/uris.ts, validators.ts, flink-config.ts, ingress.ts); the
 * counts, memory sizes and lengths are checked where the spec is normalised (normalize.ts, resources.ts,
 * size-limits.ts).
 */
import { stateDirectoryIssues } from './flink-config';
import { jarUriLaunchProblem, restorePathProblem } from './validators';
import type { ValueProblem } from './uris';
import { isRecord } from './yaml-documents';
import { isLabelValue, isQualifiedName } from './ingress';
import { formatPath } from './zod-issues';
import { SpecIssueCode, type SpecIssue } from './types';

/**
 * The labels and annotations Kubernetes refuses on every object they are copied onto (src/spec/ingress.ts' rules),
 * read from the document's own keys: one named `__proto__` is an ordinary key (the schema's records drop it).
 */
function metadataIssues(metadata: unknown): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const field of ['labels', 'annotations'] as const) {
    const map = isRecord(metadata) ? metadata[field] : undefined;
    if (!isRecord(map)) continue;
    for (const [key, value] of Object.entries(map)) {
      const path = formatPath(['metadata', field, key]);
      if (typeof value !== 'string')
        issues.push({
          code: SpecIssueCode.InvalidType,
          path,
          message: `must be a string, not ${isRecord(value) ? 'a mapping' : typeof value}`,
          hint: `Give ${path} as a string (quote it).`,
        });
      else if (!isQualifiedName(key) || (field === 'labels' && !isLabelValue(value)))
        issues.push({
          code: SpecIssueCode.InvalidValue,
          path,
          message:
            field === 'labels'
              ? `"${key}: ${value}" is not a label Kubernetes takes: every object of the application carries it`
              : `"${key}" is not an annotation key Kubernetes takes: every object of the application carries it`,
          hint:
            'Keys are [prefix/]name (name: at most 63 letters, digits, "-", "_" and ".", alphanumeric at both ends)' +
            (field === 'labels' ? '; values the same, or empty.' : '.'),
        });
    }
  }
  return issues;
}

/** The launch checks of a FlinkDeployment's or FlinkSessionJob's document (its flattened configuration given). */
export function launchIssues(input: {
  document: Record<string, unknown>;
  config: Record<string, string>;
  /** A session job's jar is fetched by the worker, not Flink (src/spec/session.ts checks it). */
  jarFetchedByFlink: boolean;
  /** ValidateOptions.specChecks3 (src/spec/parse.ts): credentials in a state directory refused too. */
  specChecks3: boolean;
}): SpecIssue[] {
  const spec = input.document.spec;
  const job = isRecord(spec) && isRecord(spec.job) ? spec.job : {};
  const issue = (path: string, problem: ValueProblem | undefined): SpecIssue[] =>
    problem ? [{ code: SpecIssueCode.InvalidValue, path, ...problem }] : [];
  return [
    ...(input.jarFetchedByFlink && typeof job.jarURI === 'string'
      ? issue('spec.job.jarURI', jarUriLaunchProblem(job.jarURI))
      : []),
    ...(typeof job.initialSavepointPath === 'string'
      ? issue('spec.job.initialSavepointPath', restorePathProblem(job.initialSavepointPath))
      : []),
    ...stateDirectoryIssues(input.config, 'spec.flinkConfiguration', { credentials: input.specChecks3 }),
    ...metadataIssues(input.document.metadata),
  ];
}
