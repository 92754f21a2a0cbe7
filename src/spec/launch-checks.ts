/**
 * The launch checks (ValidateOptions.launchChecks) of a document's values as written, beside its schema: what
 * Flink fails on as the new version starts, after an upgrade stopped the old job. The rules are the values' own
 * (src/spec/uris.ts, validators.ts, flink-config.ts); the counts, memory sizes and lengths are checked where the
 * spec is normalised (normalize.ts, resources.ts, size-limits.ts).
 */
import { stateDirectoryIssues } from './flink-config';
import { jarUriLaunchProblem, restorePathProblem } from './validators';
import type { ValueProblem } from './uris';
import { isRecord } from './yaml-documents';
import { SpecIssueCode, type SpecIssue } from './types';

/** The launch checks of a FlinkDeployment's or FlinkSessionJob's `spec` (its flattened configuration given). */
export function launchIssues(input: {
  spec: unknown;
  config: Record<string, string>;
  /** A session job's jar is fetched by the worker, not Flink (src/spec/session.ts checks it). */
  jarFetchedByFlink: boolean;
}): SpecIssue[] {
  const job = isRecord(input.spec) && isRecord(input.spec.job) ? input.spec.job : {};
  const issue = (path: string, problem: ValueProblem | undefined): SpecIssue[] =>
    problem ? [{ code: SpecIssueCode.InvalidValue, path, ...problem }] : [];
  return [
    ...(input.jarFetchedByFlink && typeof job.jarURI === 'string'
      ? issue('spec.job.jarURI', jarUriLaunchProblem(job.jarURI))
      : []),
    ...(typeof job.initialSavepointPath === 'string'
      ? issue('spec.job.initialSavepointPath', restorePathProblem(job.initialSavepointPath))
      : []),
    ...stateDirectoryIssues(input.config, 'spec.flinkConfiguration'),
  ];
}
