/**
 * How a RecordChange moves the deployed-state record (src/k8s/state-record). Pure: the
 * activities apply it under the lock with compare-and-swap; the workflow tests' in-memory
 * activities use the very same code.
 */
import { withLockReleased, withPhase, withTriggerRenewed } from '../k8s/state-record/lock';
import type { DeployStateRecord } from '../k8s/state-record/types';
import type { SavepointEntry } from '../contract/savepoints';
import type { AppSpec } from '../spec/types';
import type { DeployedState, RecordChange } from '../contract/deployed-state';
import type { UpdateRecordInput } from './types';

/** The record with our spec type. */
export type AppRecord = DeployStateRecord<AppSpec>;

/** What the workflows see of a record (undefined: never deployed). */
export function toDeployedState(record: AppRecord | undefined): DeployedState {
  if (!record) return { exists: false, status: 'none', generation: 0, savepoints: [] };
  const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);
  const last = record.history.at(-1);
  return {
    exists: record.generation > 0 || record.lastAppliedSpec !== null,
    status: record.status,
    generation: record.generation,
    jobId: opt(record.jobId),
    lastAppliedSpec: opt(record.lastAppliedSpec),
    lastStableSpec: opt(record.lastStableSpec),
    lastStableJobId: opt(record.lastStableJobId),
    restoredFrom: opt(record.restoredFrom),
    savepoints: record.savepoints,
    ...(record.carriedJobs?.length ? { carriedJobs: record.carriedJobs } : {}),
    ...(record.status === 'failed' && record.failureReason ? { failureReason: record.failureReason } : {}),
    ...(last ? { lastOperation: { type: last.type, outcome: last.outcome, phase: last.lastPhase } } : {}),
  };
}

function upsertSavepoint(list: SavepointEntry[], entry: SavepointEntry): SavepointEntry[] {
  return [...list.filter((s) => s.location !== entry.location), entry];
}

/** Changes of the lock itself (its phase, its intent): applied by `applyUpdate`, under the lock rule. */
type LockChange = Extract<RecordChange, { kind: 'phase' | 'savepoint-retry' }>;

/** Applies one change (a {@link LockChange} is the lock's own: see `applyUpdate`). */
export function applyChange(record: AppRecord, change: Exclude<RecordChange, LockChange>): AppRecord {
  switch (change.kind) {
    case 'savepoint-completed':
      return { ...record, savepoints: upsertSavepoint(record.savepoints, change.entry) };
    case 'deploying': {
      const restoredFrom = change.restoredFrom ?? null;
      const savepoints = record.savepoints.map((s) =>
        s.location === restoredFrom && !(s.restoredBy ?? []).includes(change.jobId)
          ? { ...s, restoredBy: [...(s.restoredBy ?? []), change.jobId] }
          : s,
      );
      return {
        ...record,
        status: 'running',
        generation: change.generation,
        jobId: change.jobId,
        lastAppliedSpec: change.spec,
        restoredFrom,
        savepoints,
        failureReason: undefined,
      };
    }
    case 'stable':
      return {
        ...record,
        status: 'running',
        generation: change.generation,
        jobId: change.jobId,
        lastAppliedSpec: change.spec,
        lastStableSpec: change.spec,
        lastStableJobId: change.jobId,
        failureReason: undefined,
      };
    case 'applied':
      return { ...record, lastAppliedSpec: change.spec };
    case 'suspended':
      return { ...record, status: 'suspended', jobId: null, lastAppliedSpec: change.spec };
    case 'failed':
      return { ...record, status: 'failed', failureReason: change.reason };
    case 'cluster-deploying':
      return {
        ...record,
        status: 'running',
        generation: change.generation,
        jobId: null,
        lastAppliedSpec: change.spec,
        restoredFrom: null,
        failureReason: undefined,
      };
    case 'cluster-ready': {
      // Ready: the jobs an upgrade carried over are resumed, or named as not resumed, by the operation ending here.
      const { carriedJobs: _carried, ...rest } = record;
      return {
        ...rest,
        status: 'running',
        generation: change.generation,
        jobId: null,
        lastAppliedSpec: change.spec,
        lastStableSpec: change.spec,
        failureReason: undefined,
      };
    }
    case 'jobs-carried': {
      const { carriedJobs: _was, ...rest } = record;
      return change.jobs.length ? { ...rest, carriedJobs: change.jobs } : rest;
    }
    case 'disposal-planned':
      return {
        ...record,
        savepoints: record.savepoints.map((s) =>
          change.locations.includes(s.location) ? { ...s, disposalPending: true } : s,
        ),
      };
  }
}

/** Marks one disposal's result: disposed, or still pending with the error. */
export function markDisposal(record: AppRecord, location: string, error?: string): AppRecord {
  return {
    ...record,
    savepoints: record.savepoints.map((s) =>
      s.location !== location
        ? s
        : error
          ? { ...s, disposalPending: true, disposeError: error }
          : { ...s, disposalPending: false, disposed: true, disposeError: undefined },
    ),
  };
}

/**
 * True when `input` ends an operation whose end is already in the record: a retry of the final
 * write whose first attempt landed but whose answer was lost. Another operation (a periodic
 * savepoint) may hold the lock by then; the end is ours when the history holds our run id.
 */
export function endAlreadyWritten(
  record: AppRecord,
  input: Pick<UpdateRecordInput, 'workflowId' | 'runId' | 'end'>,
): boolean {
  if (!input.end) return false;
  const held = record.operation;
  if (held?.workflowId === input.workflowId && (!input.runId || held.runId === input.runId)) return false;
  if (input.runId) return record.history.some((p) => p.workflowId === input.workflowId && p.runId === input.runId);
  return !held && record.history.at(-1)?.workflowId === input.workflowId;
}

/** Applies an updateRecord input: its changes, then (optionally) the end of the operation. */
export function applyUpdate(
  record: AppRecord,
  input: Pick<UpdateRecordInput, 'app' | 'workflowId' | 'changes' | 'end'>,
  now: Date,
): AppRecord {
  const where = { namespace: input.app.namespace, app: input.app.name, workflowId: input.workflowId };
  const next = input.changes.reduce((r, change) => {
    if (change.kind === 'phase') return withPhase(r, { ...where, phase: change.phase });
    if (change.kind === 'savepoint-retry') return withTriggerRenewed(r, { ...where, ...change });
    return applyChange(r, change);
  }, record);
  if (!input.end) return next;
  return withLockReleased(
    next,
    {
      namespace: input.app.namespace,
      app: input.app.name,
      workflowId: input.workflowId,
      outcome: input.end.outcome,
      message: input.end.message,
    },
    now,
  );
}
