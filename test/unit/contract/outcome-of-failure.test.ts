/** One rule for an operation that ended without a result of its own: what the workflow records, the CLI reports. */
import { FailureType } from '../../../src/contract/failures';
import { Outcome, outcomeOfFailure } from '../../../src/contract/operations';

test('a cancel is cancelled, an upgrade rolled back is rolled-back, any other failure is failed', () => {
  expect(outcomeOfFailure({ cancelled: true })).toBe(Outcome.Cancelled);
  expect(outcomeOfFailure({ cancelled: true, failureType: FailureType.UpgradeRolledBack })).toBe(Outcome.Cancelled);
  expect(outcomeOfFailure({ cancelled: false, failureType: FailureType.UpgradeRolledBack })).toBe(Outcome.RolledBack);
  expect(outcomeOfFailure({ cancelled: false, failureType: FailureType.SavepointFailed })).toBe(Outcome.Failed);
  expect(outcomeOfFailure({ cancelled: false, failureType: null })).toBe(Outcome.Failed);
  expect(outcomeOfFailure({ cancelled: false })).toBe(Outcome.Failed);
});
