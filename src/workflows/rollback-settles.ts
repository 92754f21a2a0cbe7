/**
 * The automatic rollback of a failed upgrade brings the last stable version back: once it has begun, a cancel
 * requested meanwhile does not cut it short (a rollback cut short leaves the failing version's job, FAILED, under a
 * record that says running). Behind `patched('rollback-auto-settles')`.
 */
import { ApplicationFailure, CancellationScope, patched } from '@temporalio/workflow';
import { FailureType } from '../contract/failures';
import { applicationFailureOf } from './operation';

/**
 * `patched()` id: the automatic rollback that recreates the last stable version runs to its end whatever a cancel
 * requests meanwhile, and its message says the cancel came too late (a blue-green rollback onto the old generation
 * always ran out of a cancel's reach). Before, a cancel in RollingBack ended the
 * upgrade `cancelled` with the new version's job FAILED and the record running (found by the fault matrix's
 * `cancel`, `rollback-auto/RollingBack/cancel`, issue 12).
 */
export const RollbackSettlesPatch = 'rollback-auto-settles';

const late = '; a cancel requested meanwhile came too late: the rollback ran to its end';

/** Runs the rollback `back` (which always throws: rolled back, or the rollback failed) out of a cancel's reach. */
export async function settledRollback(back: () => Promise<never>): Promise<never> {
  if (!patched(RollbackSettlesPatch)) return back();
  const outer = CancellationScope.current();
  const cancelledBefore = outer.consideredCancelled;
  try {
    return await CancellationScope.nonCancellable(back);
  } catch (err) {
    const failure = applicationFailureOf(err);
    if (cancelledBefore || !outer.consideredCancelled || !failure) throw err;
    const [result] = (failure.details ?? []) as Array<Record<string, unknown> | undefined>;
    throw ApplicationFailure.create({
      type: failure.type ?? FailureType.RollbackFailed,
      nonRetryable: true,
      message: `${failure.message}${late}`,
      details: result ? [{ ...result, message: `${String(result.message)}${late}` }] : [],
    });
  }
}
