/** The exit codes of flink-deploy: documented in docs/cli.md, stable for CI. */
import { FailureType } from '../contract/failures';
import { Outcome } from '../contract/operations';

export const ExitCode = {
  /** The command did what was asked (also: nothing to change). */
  Success: 0,
  /** The operation failed (or could not be started: Temporal unreachable, ...). */
  OperationFailed: 1,
  /** Invalid input or usage: an unknown flag, a bad value, an invalid spec. Nothing was started. */
  InvalidInput: 2,
  /** The upgrade failed and the last stable spec was restored. */
  RolledBack: 3,
  /** Timed out waiting; the operation goes on. */
  TimedOut: 4,
  /** Another operation on the application is in progress. */
  OperationInProgress: 5,
  /** Interrupted (Ctrl-C, SIGTERM) while waiting; the operation goes on. */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code of an operation that ended with this outcome. */
export function exitCodeForOutcome(outcome: string): ExitCode {
  switch (outcome) {
    case Outcome.Succeeded:
    case Outcome.NoChange:
    case Outcome.Skipped:
      return ExitCode.Success;
    case Outcome.RolledBack:
      return ExitCode.RolledBack;
    default:
      return ExitCode.OperationFailed;
  }
}

/** The exit code of a workflow that failed with this `ApplicationFailure.type`. */
export function exitCodeForFailureType(type: string | undefined): ExitCode {
  switch (type) {
    case FailureType.UpgradeRolledBack:
      return ExitCode.RolledBack;
    case FailureType.OperationInProgress:
      return ExitCode.OperationInProgress;
    case FailureType.InvalidSpec:
    case FailureType.SessionClusterBusy:
      return ExitCode.InvalidInput;
    default:
      return ExitCode.OperationFailed;
  }
}
