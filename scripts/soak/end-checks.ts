/**
 * What the soak checks once every upgrade has ended: stuck locks (the record's `operation`
 * still held after a quiet period, with its holder's status in Temporal) and savepoints on
 * disk that the record does not account for. Savepoints are compared on disk, not in the
 * record alone.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { SavepointEntry } from '../../src/contract/savepoints';

/** Savepoints of one application: on disk, and in the record. */
export interface SavepointAudit {
  onDisk: number;
  /** In the record, not disposed and not planned for disposal. */
  kept: number;
  /** On disk, and not in the record (or recorded as disposed). */
  orphans: string[];
  /** Kept in the record, yet missing on disk. */
  missing: string[];
  /**
   * Planned for disposal by retention (`disposalPending`), not yet recorded as disposed: on disk or
   * not, both are right (Flink may have removed the folder before the record says so: a disposal in
   * flight at the check, or one whose worker died before its write, retried by the next savepoint run).
   */
  disposing: string[];
  /** Per kind, entries in the record not disposed. */
  keptByKind: Record<string, number>;
}

const localPath = (uri: string) => uri.replace(/^file:\/*/, '/').replace(/\/+$/, '');

/** Compares the `savepoint-*` folders of `savepointDir` with the record's savepoint history. */
export function auditSavepoints(savepointDir: string, entries: readonly SavepointEntry[]): SavepointAudit {
  const onDisk = existsSync(savepointDir)
    ? readdirSync(savepointDir)
        .filter((f) => f.startsWith('savepoint-'))
        .map((f) => path.join(savepointDir, f))
    : [];
  const kept = entries.filter((e) => !e.disposed && !e.disposalPending);
  const keptPaths = new Set(kept.map((e) => localPath(e.location)));
  const disposing = entries.filter((e) => !e.disposed && e.disposalPending).map((e) => localPath(e.location));
  const keptByKind: Record<string, number> = {};
  for (const e of kept) keptByKind[e.kind] = (keptByKind[e.kind] ?? 0) + 1;
  return {
    onDisk: onDisk.length,
    kept: kept.length,
    orphans: onDisk.filter((p) => !keptPaths.has(p) && !disposing.includes(p)),
    missing: [...keptPaths].filter((p) => p.startsWith(savepointDir) && !onDisk.includes(p)),
    disposing,
    keptByKind,
  };
}

/** A lock still held after the quiet period, and what Temporal says of its holder. */
export interface StuckLock {
  app: string;
  workflowId: string;
  runId: string;
  phase: string;
  holderStatus: string;
}

/** The holder run's status in Temporal (RUNNING, COMPLETED, TERMINATED, ... or "not found"). */
export async function holderStatus(client: Client, workflowId: string, runId: string): Promise<string> {
  try {
    return (await client.workflow.getHandle(workflowId, runId).describe()).status.name;
  } catch (err) {
    return `not found (${(err as Error).message})`;
  }
}
