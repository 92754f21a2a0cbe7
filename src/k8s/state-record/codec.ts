/**
 * The record as a ConfigMap and back (pure). The JSON is validated on read, so a hand-edited
 * or foreign ConfigMap is reported as `RECORD_CORRUPT` instead of misread.
 */
import type { V1ConfigMap } from '@kubernetes/client-node';
import { z } from 'zod';
import { RecordCorruptError } from './errors';
import { recordName, type DeployStateRecord, type VersionedRecord } from './types';

/** Key of the JSON in the ConfigMap's `data`. */
export const RECORD_KEY = 'record.json';

/** Labels on every record ConfigMap. */
export function recordLabels(app: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': app,
    'app.kubernetes.io/instance': app,
    'app.kubernetes.io/component': 'deploy-state',
    'app.kubernetes.io/managed-by': 'flink-deploy',
  };
}

const jsonValue: z.ZodType<unknown> = z.unknown();
// Unknown keys are stripped (z.object), an unknown `kind` fails the read (RECORD_CORRUPT). So a savepoint
// retention must never dispose gets a kind of its own (`registered`), not a flag: a worker of an earlier
// version stops at such a record instead of reading it as a savepoint of its own to dispose.
const savepoint = z.object({
  location: z.string().min(1),
  time: z.string(),
  kind: z.enum(['upgrade', 'suspend', 'manual', 'periodic', 'checkpoint', 'final', 'registered']),
  triggerId: z.string().nullable(),
  jobId: z.string().nullable(),
  disposed: z.boolean(),
  disposalPending: z.boolean().optional(),
  disposeError: z.string().optional(),
  restoredBy: z.array(z.string()).optional(),
});
const operation = z.object({
  workflowId: z.string().min(1),
  runId: z.string(),
  type: z.string(),
  phase: z.string(),
  startedAt: z.string(),
  intent: z.record(z.string(), jsonValue).optional(),
});
const pastOperation = z.object({
  workflowId: z.string(),
  runId: z.string(),
  type: z.string(),
  lastPhase: z.string(),
  startedAt: z.string(),
  endedAt: z.string(),
  outcome: z.string(),
  message: z.string().optional(),
});
const observed = z.object({
  health: z.enum(['healthy', 'failed', 'restarting', 'checkpoints-stalled', 'jobmanager-unreachable']),
  since: z.string(),
  observedAt: z.string(),
  jobId: z.string(),
  jobState: z.string().optional(),
  restarts: z.number().int().min(0),
  lastCheckpoint: z.object({ id: z.number(), location: z.string(), completedAt: z.string() }).optional(),
  message: z.string(),
});
const recordSchema = z.object({
  version: z.literal(1),
  app: z.string(),
  namespace: z.string(),
  generation: z.number().int().min(0),
  jobId: z.string().nullable(),
  lastAppliedSpec: jsonValue,
  lastStableSpec: jsonValue,
  lastStableJobId: z.string().nullable(),
  savepoints: z.array(savepoint),
  restoredFrom: z.string().nullable(),
  operation: operation.nullable(),
  history: z.array(pastOperation),
  status: z.enum(['running', 'suspended', 'failed', 'none']),
  failureReason: z.string().optional(),
  carriedJobs: z.array(z.string()).optional(),
  observed: observed.optional(),
});

/** The ConfigMap body of a record (no resourceVersion: callers add it for a replace). */
export function encodeRecord(record: DeployStateRecord<unknown>): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: recordName(record.app), namespace: record.namespace, labels: recordLabels(record.app) },
    data: { [RECORD_KEY]: `${JSON.stringify(record, null, 2)}\n` },
  };
}

/** Read and validate the record of a ConfigMap; throws {@link RecordCorruptError}. */
export function decodeRecord<TSpec = unknown>(
  configMap: V1ConfigMap,
  location: { namespace: string; app: string },
): VersionedRecord<TSpec> {
  const text = configMap.data?.[RECORD_KEY];
  if (text === undefined)
    throw new RecordCorruptError(location, `ConfigMap ${recordName(location.app)} has no "${RECORD_KEY}" key`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new RecordCorruptError(
      location,
      `ConfigMap ${recordName(location.app)}: "${RECORD_KEY}" is not JSON: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const parsed = recordSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new RecordCorruptError(location, `ConfigMap ${recordName(location.app)}: invalid record: ${issues}`);
  }
  return {
    record: parsed.data as DeployStateRecord<TSpec>,
    resourceVersion: configMap.metadata?.resourceVersion ?? '',
    uid: configMap.metadata?.uid ?? '',
  };
}
