/** The inputs of the flink-deploy workflows (their results: `OperationResult`). Plain JSON data. */
import type { AppSpec } from '../spec/types';
import type { AppRef } from './app';
import type { RetentionPolicy, SavepointKind } from './savepoints';

/** Input of `apply`, `deploy`, `upgrade`: the desired spec, validated and normalised by the caller. */
export interface ApplyInput {
  spec: AppSpec;
  /**
   * After an operation that never finished and a job that does not run: deploy fresh instead of
   * from the latest secured state (`apply --from-scratch`). Ignored otherwise.
   */
  fromScratch?: boolean;
}

/** Input of `suspend`, `resume`, `savepoint`. */
export interface AppOperationInput {
  app: AppRef;
}

/** Input of `savepoint`. */
export interface SavepointInput extends AppOperationInput {
  kind: typeof SavepointKind.Manual | typeof SavepointKind.Periodic;
  /** Dispose savepoints beyond this policy once the new one is recorded. */
  retention?: RetentionPolicy;
  /** Where Flink writes it (a FlinkStateSnapshot's `savepoint.path`); unset: the job's savepoint directory. */
  targetDirectory?: string;
  /** Its format (a FlinkStateSnapshot's `savepoint.formatType`); unset: the one the application's spec asks. */
  formatType?: 'CANONICAL' | 'NATIVE';
}

/** Input of `registerSavepoint`: an existing savepoint recorded in the application's savepoints. */
export interface RegisterSavepointInput extends AppOperationInput {
  /** The savepoint's directory (a URI or an absolute path), as the FlinkStateSnapshot names it. */
  path: string;
  /** The kind spec.jobReference names; the record must be of that kind. */
  jobKind?: 'FlinkDeployment' | 'FlinkSessionJob';
}

/** Input of `delete`. */
export interface DeleteInput extends AppOperationInput {
  /** Skip the final savepoint (stateless jobs, or when the user says so): the job is cancelled. */
  noSavepoint?: boolean;
}

/** Input of `rollback`. */
export interface RollbackInput extends AppOperationInput {
  /** Restore from this savepoint; default: the latest recorded one. */
  toSavepoint?: string;
}
