/**
 * The checks before ValidateOptions.specChecks5 (src/spec/parse.ts) took a state path as `scheme://…` or `/…` only:
 * Flink's own form of a local path, `file:/…` (one slash), was refused in `spec.job.initialSavepointPath` and, of a
 * FlinkDeployment, in a savepoint or checkpoint directory. Their issues, for a workflow's replay of a run started
 * before patch `spec-checks-5` (src/workflows/valid-input.ts).
 */
import { directoryIssues } from './flink-config';
import { SpecIssueCode, type SpecIssue } from './types';
import { isAbsoluteStatePath } from './validators';
import { isRecord } from './yaml-documents';

/** Taken today, refused by the checks before: `file:/…`. */
const oneSlashOnly = (value: string): boolean =>
  isAbsoluteStatePath(value) && !isAbsoluteStatePath(value, { fileOneSlash: false });

/**
 * The issues the checks before gave a document's `file:/…` state paths: its restore path, and the directories of
 * `config` (a FlinkDeployment's flattened configuration; a FlinkSessionJob's were not checked so).
 */
export function fileOneSlashIssues(document: Record<string, unknown>, config?: Record<string, string>): SpecIssue[] {
  const spec = isRecord(document.spec) ? document.spec : {};
  const path = isRecord(spec.job) ? spec.job.initialSavepointPath : undefined;
  const restore: SpecIssue[] =
    typeof path === 'string' && oneSlashOnly(path)
      ? [
          {
            code: SpecIssueCode.InvalidValue,
            path: 'spec.job.initialSavepointPath',
            message: `"${path}" is not an absolute savepoint path`,
            hint: 'Use a URI with a scheme or an absolute path.',
          },
        ]
      : [];
  const oneSlash = Object.fromEntries(Object.entries(config ?? {}).filter(([, value]) => oneSlashOnly(value)));
  return [...restore, ...directoryIssues(oneSlash, 'spec.flinkConfiguration', { fileOneSlash: false })];
}
