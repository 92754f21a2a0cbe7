/** The error thrown by `loadAppSpec` when a manifest is invalid. */
import type { SpecIssue } from './types';

/** Formats issues one per line: `path: message (hint)`. */
export function formatSpecIssues(issues: readonly SpecIssue[]): string {
  return issues
    .map((issue) => {
      const where = [issue.document !== undefined ? `document ${issue.document + 1}` : '', issue.path]
        .filter(Boolean)
        .join(' ');
      return `- ${where ? `${where}: ` : ''}${issue.message}${issue.hint ? `\n    hint: ${issue.hint}` : ''}`;
    })
    .join('\n');
}

/** An invalid manifest; `issues` holds every problem found. */
export class InvalidSpecError extends Error {
  /** Stable code, also the Temporal failure type. */
  readonly code = 'InvalidSpec';
  constructor(readonly issues: SpecIssue[]) {
    super(
      `invalid application spec (${issues.length} ` +
        `problem${issues.length === 1 ? '' : 's'}):\n${formatSpecIssues(issues)}`,
    );
    this.name = 'InvalidSpecError';
  }
}
