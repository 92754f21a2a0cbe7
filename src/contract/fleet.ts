/**
 * Fleet rollouts: one `fleet` workflow over many applications, each application's change run by
 * its own `apply` child on the application's business-key id (docs/fleet.md). The input, the
 * per-application states. Pure data: the query and the approve/abort Updates are in
 * ./fleet-messages (they load the Temporal SDK, which `flink-deploy --help` must not).
 */
import type { AppSpec } from '../spec/types';
import type { AppRef } from './app';
import type { Operation, OperationResult } from './operations';

/** The FlinkOperation search attribute value of a fleet rollout. */
export const FleetOperation = 'fleet';

/** Workflow id of a rollout: `flink-deploy-fleet/<rolloutId>`. */
export function fleetWorkflowId(rolloutId: string): string {
  return `flink-deploy-fleet/${rolloutId}`;
}

/** What to do with an application another operation holds. */
export const IfBusy = {
  /** Wait for it (up to `busyTimeoutSeconds`), then report it busy. */
  Wait: 'wait',
  /** Report it busy at once and go on with the others. */
  Skip: 'skip',
} as const;
export type IfBusy = (typeof IfBusy)[keyof typeof IfBusy];

/** One application of a rollout, as the CLI planned it. */
export interface FleetApp {
  /** The desired spec, validated and normalised by the caller. */
  spec: AppSpec;
  /** The operation the plan says apply runs (`apply` = nothing to redeploy). */
  operation: Operation;
  /** True when the plan found nothing at all to change: the application is skipped. */
  unchanged: boolean;
  /** The spec applied before this rollout (the record's last applied spec): where a revert goes. */
  previousSpec?: AppSpec;
}

/** Input of the `fleet` workflow. */
export interface FleetInput {
  rolloutId: string;
  /** In rollout order (canaries first is the workflow's job). */
  apps: FleetApp[];
  /** `namespace/name` of the canaries, in order. */
  canaries: string[];
  /** After the canaries, wait for `approve` (or `abort`). */
  approveAfterCanary: boolean;
  /** How long the approval gate waits before the rollout aborts itself. */
  approvalTimeoutSeconds: number;
  /** Operations running at once, at most. */
  concurrency: number;
  /** On a halt, send the applications this rollout moved back to their previous spec. */
  rollbackOnFailure: boolean;
  ifBusy: IfBusy;
  /** With `ifBusy: wait`: how long one application is waited for. */
  busyTimeoutSeconds: number;
}

/** Where an application is in a rollout. One word, one meaning (docs/fleet.md). */
export const FleetAppState = {
  /** Not started yet. */
  Pending: 'pending',
  /** Its operation runs. */
  Running: 'running',
  /** Another operation holds it; waiting for it (`--if-busy wait`). */
  Waiting: 'waiting',
  /** Its operation succeeded: it runs the new spec (or its no-redeploy change is recorded). */
  Succeeded: 'succeeded',
  /** The plan found nothing to change: not started. */
  Unchanged: 'unchanged',
  /** Another operation held it: not started (`--if-busy skip`, or the wait ran out). */
  Busy: 'busy',
  /** Not started: the rollout halted or was aborted first. */
  Untouched: 'untouched',
  /** Its operation failed, and the application went back to its last stable spec by itself. */
  RolledBack: 'rolled-back',
  /** Its operation failed (not rolled back). */
  Failed: 'failed',
  /** It succeeded, then `--rollback-on-failure` sent it back to its previous spec. */
  Reverted: 'reverted',
  /** `--rollback-on-failure` tried to send it back and that failed. */
  RevertFailed: 'revert-failed',
} as const;
export type FleetAppState = (typeof FleetAppState)[keyof typeof FleetAppState];

/** The rollout's stage. */
export const FleetStage = {
  Canaries: 'canaries',
  AwaitingApproval: 'awaiting-approval',
  Waves: 'waves',
  /** Halted (a failure or an abort): running operations finish, nothing new starts. */
  Halting: 'halting',
  Reverting: 'reverting',
  Done: 'done',
} as const;
export type FleetStage = (typeof FleetStage)[keyof typeof FleetStage];

/** How a rollout ended. */
export const FleetOutcome = {
  /** Every application succeeded or was unchanged. */
  Succeeded: 'succeeded',
  /** Nothing failed, but some applications were busy and left untouched. */
  Partial: 'partial',
  /** A failure halted it; every failed application rolled back by itself. */
  RolledBack: 'rolled-back',
  /** A failure halted it (or a revert failed). */
  Failed: 'failed',
  /** `abort` (or the approval gate timing out) stopped it. */
  Aborted: 'aborted',
} as const;
export type FleetOutcome = (typeof FleetOutcome)[keyof typeof FleetOutcome];

/** One application's line. */
export interface FleetAppProgress {
  app: AppRef;
  canary: boolean;
  state: FleetAppState;
  /** The operation the plan named. */
  operation: Operation;
  /** What happened, one sentence (the child's result or failure message). */
  message: string;
  /** The child's workflow id and run, once started. */
  workflowId?: string;
  runId?: string;
  result?: OperationResult;
}

/** What the `fleetProgress` query answers, and the rollout's result. */
export interface FleetProgress {
  rolloutId: string;
  stage: FleetStage;
  apps: FleetAppProgress[];
  counts: Partial<Record<FleetAppState, number>>;
  /** Operations running now, and the most ever running at once (never above `concurrency`). */
  running: number;
  maxRunning: number;
  /** Why it halted, when it did. */
  haltReason?: string;
  outcome?: FleetOutcome;
  message?: string;
}

/** Who decides (approve/abort), and why. */
export interface FleetDecision {
  by?: string;
  reason?: string;
}
