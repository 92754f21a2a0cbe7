/**
 * How a RecordChange moves the deployed-state record. Pure: the activities apply it under the
 * lock with compare-and-swap; the workflow tests' in-memory activities use the very same code.
 */
import type { DeployedState, RecordChange, SavepointEntry, UpdateRecordInput } from './types';
import type { Operation, Outcome } from '../workflows/types';

/** The operation holding the lock. */
export interface OperationInProgress {
  workflowId: string;
  runId: string;
  type: Operation;
  phase: string;
  startedAt: string;
  intent?: Record<string, string | number | boolean>;
}

/** One past operation. */
export interface HistoryEntry {
  workflowId: string;
  runId: string;
  operation: Operation;
  outcome: Outcome;
  message: string;
  startedAt: string;
  endedAt: string;
  jobId?: string;
  restoredFrom?: string;
}

/** The content of the deployed-state record (design.md §3). */
export interface RecordData extends Omit<DeployedState, 'exists'> {
  operation: OperationInProgress | null;
  history: HistoryEntry[];
  failureReason?: string;
}

/** History entries kept in the record (the full audit trail is in Temporal). */
export const HISTORY_LIMIT = 50;

/** An empty record for an application never deployed. */
export function emptyRecord(): RecordData {
  return { status: 'none', generation: 0, savepoints: [], operation: null, history: [] };
}

/** What the workflows see of a record. */
export function toDeployedState(record: RecordData | undefined): DeployedState {
  if (!record) return { exists: false, status: 'none', generation: 0, savepoints: [] };
  const { operation: _op, history: _h, failureReason: _f, ...state } = record;
  return { exists: record.generation > 0 || record.lastAppliedSpec !== undefined, ...state };
}

function upsertSavepoint(list: SavepointEntry[], entry: SavepointEntry): SavepointEntry[] {
  return [...list.filter((s) => s.location !== entry.location), entry];
}

/** Applies one change. */
export function applyChange(record: RecordData, change: RecordChange): RecordData {
  switch (change.kind) {
    case 'phase':
      return record.operation ? { ...record, operation: { ...record.operation, phase: change.phase } } : record;
    case 'intent':
      return record.operation ? { ...record, operation: { ...record.operation, intent: { ...record.operation.intent, ...change.intent } } } : record;
    case 'savepoint-completed':
      return { ...record, savepoints: upsertSavepoint(record.savepoints, change.entry) };
    case 'deploying':
      return { ...record, status: 'running', generation: change.generation, jobId: change.jobId, lastAppliedSpec: change.spec, restoredFrom: change.restoredFrom, failureReason: undefined };
    case 'stable':
      return { ...record, status: 'running', generation: change.generation, jobId: change.jobId, lastAppliedSpec: change.spec, lastStableSpec: change.spec, lastStableJobId: change.jobId, failureReason: undefined };
    case 'applied':
      return { ...record, lastAppliedSpec: change.spec };
    case 'suspended':
      return { ...record, status: 'suspended', jobId: undefined, lastAppliedSpec: change.spec };
    case 'failed':
      return { ...record, status: 'failed', failureReason: change.reason };
    case 'disposal-planned':
      return { ...record, savepoints: record.savepoints.map((s) => (change.locations.includes(s.location) ? { ...s, disposalPending: true } : s)) };
  }
}

/** Marks one disposal's result: disposed, or still pending with the error. */
export function markDisposal(record: RecordData, location: string, error?: string): RecordData {
  return {
    ...record,
    savepoints: record.savepoints.map((s) => (s.location !== location ? s
      : error ? { ...s, disposalPending: true, disposeError: error } : { ...s, disposalPending: false, disposed: true, disposeError: undefined })),
  };
}

/** Applies an updateRecord input: its changes, then (optionally) the end of the operation. */
export function applyUpdate(record: RecordData, input: Pick<UpdateRecordInput, 'changes' | 'end'>, now: string): RecordData {
  let next = input.changes.reduce(applyChange, record);
  if (input.end && next.operation) {
    const op = next.operation;
    const entry: HistoryEntry = {
      workflowId: op.workflowId, runId: op.runId, operation: input.end.operation, outcome: input.end.outcome,
      message: input.end.message, startedAt: op.startedAt, endedAt: now, jobId: next.jobId, restoredFrom: next.restoredFrom,
    };
    next = { ...next, operation: null, history: [entry, ...next.history].slice(0, HISTORY_LIMIT) };
  }
  return next;
}
