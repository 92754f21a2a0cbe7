import { ExitCode, exitCodeForFailureType, exitCodeForOutcome } from '../../../src/cli/exit-codes';
import { CliError, CliErrorCode } from '../../../src/cli/errors';
import { FailureType } from '../../../src/contract/failures';
import { Outcome } from '../../../src/contract/operations';

test('the documented exit codes are stable', () => {
  expect(ExitCode).toEqual({
    Success: 0,
    OperationFailed: 1,
    InvalidInput: 2,
    RolledBack: 3,
    TimedOut: 4,
    OperationInProgress: 5,
    Interrupted: 130,
  });
});

test.each([
  [Outcome.Succeeded, 0],
  [Outcome.NoChange, 0],
  [Outcome.Skipped, 0],
  [Outcome.RolledBack, 3],
  [Outcome.Failed, 1],
  [Outcome.Cancelled, 1],
])('outcome %s → exit %i', (outcome, code) => {
  expect(exitCodeForOutcome(outcome)).toBe(code);
});

test.each([
  [FailureType.UpgradeRolledBack, 3],
  [FailureType.OperationInProgress, 5],
  [FailureType.InvalidSpec, 2],
  [FailureType.RollbackFailed, 1],
  [FailureType.SavepointFailed, 1],
  [FailureType.JobFailed, 1],
  ['Cancelled', 1],
  [undefined, 1],
])('failure type %s → exit %i', (type, code) => {
  expect(exitCodeForFailureType(type)).toBe(code);
});

test('CLI errors carry the exit code of their code', () => {
  expect(new CliError({ code: CliErrorCode.InvalidSpec, message: 'x' }).exitCode).toBe(2);
  expect(new CliError({ code: CliErrorCode.InvalidSetting, message: 'x' }).exitCode).toBe(2);
  expect(new CliError({ code: CliErrorCode.OperationInProgress, message: 'x' }).exitCode).toBe(5);
  expect(new CliError({ code: CliErrorCode.TimedOut, message: 'x' }).exitCode).toBe(4);
  expect(new CliError({ code: CliErrorCode.TemporalUnavailable, message: 'x' }).exitCode).toBe(1);
});
