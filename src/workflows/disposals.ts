/** What a savepoint run says of the old savepoints it disposed (retention), added to its result. */
import type { OperationResult } from '../contract/operations';
import type { DisposeResult } from '../activities/types';

/** `result` with the disposed locations and, in its message, how many were disposed and which failed. */
export function withDisposals(result: OperationResult, { disposed, failed }: DisposeResult): OperationResult {
  const failedNote = failed.length
    ? `; ${failed.length} disposal(s) failed and will be retried: ${failed.map((f) => f.error).join('; ')}`
    : '';
  return {
    ...result,
    disposed,
    message: `${result.message}; disposed ${disposed.length} old savepoint(s)${failedNote}`,
  };
}
