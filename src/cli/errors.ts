/** Errors the CLI reports: a stable `code`, the exit code, and what to do next. */
import { ExitCode } from './exit-codes';

export const CliErrorCode = {
  Usage: 'Usage',
  InvalidSetting: 'InvalidSetting',
  InvalidSpec: 'InvalidSpec',
  ManifestUnreadable: 'ManifestUnreadable',
  NamespaceConflict: 'NamespaceConflict',
  TemporalUnavailable: 'TemporalUnavailable',
  KubernetesUnavailable: 'KubernetesUnavailable',
  OperationInProgress: 'OperationInProgress',
  NotFound: 'NotFound',
  OperationFailed: 'OperationFailed',
  TimedOut: 'TimedOut',
  Interrupted: 'Interrupted',
} as const;
export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode];

const exitCodes: Record<CliErrorCode, ExitCode> = {
  Usage: ExitCode.InvalidInput,
  InvalidSetting: ExitCode.InvalidInput,
  InvalidSpec: ExitCode.InvalidInput,
  ManifestUnreadable: ExitCode.InvalidInput,
  NamespaceConflict: ExitCode.InvalidInput,
  TemporalUnavailable: ExitCode.OperationFailed,
  KubernetesUnavailable: ExitCode.OperationFailed,
  OperationInProgress: ExitCode.OperationInProgress,
  NotFound: ExitCode.OperationFailed,
  OperationFailed: ExitCode.OperationFailed,
  TimedOut: ExitCode.TimedOut,
  Interrupted: ExitCode.Interrupted,
};

/** Input of `CliError`. */
export interface CliErrorInit {
  code: CliErrorCode;
  message: string;
  /** What to do next, one sentence. */
  hint?: string;
  /** Extra data for `--output json`. */
  data?: Record<string, unknown>;
  cause?: unknown;
}

/** An error the CLI prints as `error: message` + `hint`, and exits with `exitCode`. */
export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly exitCode: ExitCode;
  readonly hint?: string;
  readonly data?: Record<string, unknown>;
  constructor(init: CliErrorInit) {
    super(init.message, { cause: init.cause });
    this.name = 'CliError';
    this.code = init.code;
    this.exitCode = exitCodes[init.code];
    this.hint = init.hint;
    this.data = init.data;
  }
}
