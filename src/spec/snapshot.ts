/**
 * `kind: FlinkStateSnapshot` (the Apache operator's savepoint resource) mapped onto flink-deploy's
 * savepoints: `savepoint.alreadyExists: true` with a `path` names an existing savepoint; otherwise
 * the snapshot asks for a savepoint of the job in `jobReference` (the manual savepoint operation).
 * A checkpoint snapshot cannot map (Flink takes checkpoints on its interval) and is refused.
 */
import { z } from 'zod';
import { savepointPathProblem } from '../contract/savepoint-paths';
import { isDns1123Label, isDns1123Subdomain, isDns1035Label, maxAppNameLength } from './validators';
import { checked } from './schema';
import { fromZodIssues } from './zod-issues';
import { SpecIssueCode, type SpecIssue, type SpecNote } from './types';

/** What a snapshot asks for. */
export const SnapshotAction = {
  /** Name an existing savepoint (`alreadyExists: true`). */
  Register: 'register',
  /** Take a savepoint of the referenced job. */
  Take: 'take',
} as const;
export type SnapshotAction = (typeof SnapshotAction)[keyof typeof SnapshotAction];

/** A validated FlinkStateSnapshot. */
export interface SnapshotSpec {
  name: string;
  namespace: string;
  action: SnapshotAction;
  /** The referenced job, when the manifest names one. */
  job?: { kind: 'FlinkDeployment' | 'FlinkSessionJob'; name: string };
  /** The existing savepoint (register), or the target directory asked for (take). */
  path?: string;
  /** The format asked for (take); unset: the application's (`kubernetes.operator.savepoint.format.type`). */
  formatType?: 'CANONICAL' | 'NATIVE';
}

// Absolute (a URI or a path), no credentials, no "." or ".." segments (src/contract/savepoint-paths.ts).
const statePath = checked(savepointPathProblem);

export const snapshotSchema = z.strictObject({
  apiVersion: z.literal('flink.apache.org/v1beta1'),
  kind: z.literal('FlinkStateSnapshot'),
  metadata: z.strictObject({
    name: checked((v) =>
      isDns1123Subdomain(v)
        ? undefined
        : { message: `"${v}" is not a valid name`, hint: "Use lower-case letters, digits, '-' and '.'." },
    ),
    namespace: checked((v) =>
      isDns1123Label(v)
        ? undefined
        : {
            message: `"${v}" is not a valid namespace name`,
            hint: "Use at most 63 lower-case letters, digits and '-'.",
          },
    ).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  spec: z.strictObject({
    backoffLimit: z.number().int().min(-1).optional(),
    jobReference: z
      .strictObject({
        kind: z.enum(['FlinkDeployment', 'FlinkSessionJob']),
        name: checked((v) =>
          isDns1035Label(v, maxAppNameLength)
            ? undefined
            : { message: `"${v}" is not a valid application name`, hint: 'Name the FlinkDeployment of the job.' },
        ),
      })
      .optional(),
    savepoint: z
      .strictObject({
        alreadyExists: z.boolean().optional(),
        disposeOnDelete: z.boolean().optional(),
        formatType: z.enum(['CANONICAL', 'NATIVE']).optional(),
        path: statePath.optional(),
      })
      .optional(),
    checkpoint: z.looseObject({}).optional(),
  }),
});

function issue(code: SpecIssue['code'], path: string, message: string, hint: string): SpecIssue {
  return { code, path, message, hint };
}

/** Validates a FlinkStateSnapshot document: what it asks for and its notes, or every issue. */
export function validateSnapshot(
  document: Record<string, unknown>,
): { ok: true; snapshot: SnapshotSpec; notes: SpecNote[] } | { ok: false; issues: SpecIssue[] } {
  const parsed = snapshotSchema.safeParse(document, { reportInput: true });
  if (!parsed.success) return { ok: false, issues: fromZodIssues(parsed.error.issues, snapshotSchema) };
  const { metadata, spec } = parsed.data;
  const issues: SpecIssue[] = [];
  const notes: SpecNote[] = [];
  if (spec.checkpoint !== undefined) {
    issues.push(
      issue(
        SpecIssueCode.Unsupported,
        'spec.checkpoint',
        'a checkpoint snapshot cannot be mapped: flink-deploy takes savepoints; Flink takes checkpoints on its ' +
          'own interval (execution.checkpointing.interval)',
        'Use spec.savepoint instead (a savepoint of the job in spec.jobReference), or `flink-deploy savepoint <app>`.',
      ),
    );
  }
  if (spec.savepoint === undefined && spec.checkpoint === undefined) {
    issues.push(
      issue(
        SpecIssueCode.Required,
        'spec.savepoint',
        'a FlinkStateSnapshot needs spec.savepoint',
        'Add spec.savepoint: {} to take a savepoint of spec.jobReference, or { alreadyExists: true, path: … }.',
      ),
    );
  }
  const savepoint = spec.savepoint ?? {};
  const register = savepoint.alreadyExists === true;
  if (register && savepoint.path === undefined) {
    issues.push(
      issue(
        SpecIssueCode.Required,
        'spec.savepoint.path',
        'savepoint.alreadyExists: true needs savepoint.path (the existing savepoint)',
        'Give the savepoint directory, e.g. s3://bucket/savepoints/savepoint-1a2b3c-0123456789ab.',
      ),
    );
  }
  if (!register && spec.savepoint !== undefined && spec.jobReference === undefined) {
    issues.push(
      issue(
        SpecIssueCode.Required,
        'spec.jobReference',
        'a savepoint to take needs spec.jobReference (the job to take it of)',
        'Add jobReference: { kind: FlinkDeployment, name: <app> }, or alreadyExists: true with a path.',
      ),
    );
  }
  if (issues.length > 0) return { ok: false, issues };
  if (savepoint.disposeOnDelete !== undefined)
    notes.push({
      path: 'spec.savepoint.disposeOnDelete',
      message:
        "disposeOnDelete is ignored: the application's savepoints are disposed by its retention (docs/spec.md), " +
        'not by deleting a snapshot',
    });
  if (spec.backoffLimit !== undefined)
    notes.push({
      path: 'spec.backoffLimit',
      message: 'backoffLimit is ignored: a savepoint is retried within its bounded timeout, then reported failed',
    });
  const snapshot: SnapshotSpec = {
    name: metadata.name,
    namespace: metadata.namespace ?? 'default',
    action: register ? SnapshotAction.Register : SnapshotAction.Take,
    ...(spec.jobReference ? { job: spec.jobReference } : {}),
    ...(savepoint.path !== undefined ? { path: savepoint.path } : {}),
    ...(!register && savepoint.formatType !== undefined ? { formatType: savepoint.formatType } : {}),
  };
  return { ok: true, snapshot, notes };
}
