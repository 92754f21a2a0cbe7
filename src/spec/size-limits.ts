/**
 * Limits that Temporal, Kubernetes and Linux impose on what a spec becomes, checked when the
 * manifest is validated (so `validate`, `plan` and `apply` refuse before anything starts):
 *
 * - the deployed-state record (`<app>-deploy-state`, a ConfigMap: at most 1 MiB of data in
 *   Kubernetes) keeps the spec twice, the deployed and the last stable one, as indented JSON
 *   (src/k8s/state-record/codec.ts), beside the savepoint and operation history;
 * - a Temporal payload (the workflow input carries the spec) is refused over 2 MiB by the
 *   server's default `limit.blobSize.error`;
 * - one command-line argument of the JobManager (the job args) is refused by Linux over
 *   128 KiB (`MAX_ARG_STRLEN`): the container would never start.
 *
 * Temporal also logs a warning for payloads over 512 KiB (`limit.blobSize.warn`); a spec that
 * fits the record is always below that (two copies fit in 1 MiB), so there is no warning here.
 */
import { formatBytes, utf8Length } from './byte-size';
import { isRecord } from './yaml-documents';
import { SpecIssueCode, type AppSpec, type SpecIssue } from './types';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Kubernetes' limit on the data of one ConfigMap. */
export const configMapLimitBytes = 1 * MiB;
/** Room left in the record for everything but the two specs: savepoints, history, the lock. */
export const recordReserveBytes = 128 * KiB;
/** The most one spec may take in the record: two of them and the reserve fit in a ConfigMap. */
export const recordSpecBudgetBytes = (configMapLimitBytes - recordReserveBytes) / 2;
/** Temporal's default `limit.blobSize.error`: the largest payload the server accepts. */
export const temporalPayloadLimitBytes = 2 * MiB;
/** Temporal's default `limit.blobSize.warn`. */
export const temporalPayloadWarnBytes = 512 * KiB;
/** Linux's `MAX_ARG_STRLEN`: the longest single command-line argument, with its terminating NUL. */
export const maxArgumentBytes = 128 * KiB;

/** The bytes of `spec` in the record's JSON, where it sits one level deep (two more spaces a line). */
export function recordSpecBytes(spec: AppSpec): number {
  const json = JSON.stringify(spec, null, 2);
  let newlines = 0;
  for (let i = json.indexOf('\n'); i >= 0; i = json.indexOf('\n', i + 1)) newlines++;
  return utf8Length(json) + 2 * newlines;
}

/** The bytes of the workflow input `{ spec }` as Temporal's JSON payload converter writes it. */
export function workflowInputBytes(spec: AppSpec): number {
  return utf8Length(JSON.stringify({ spec }));
}

/** The field of the manifest's spec (or of its job) that takes the most room, for the hint. */
function largestPart(spec: AppSpec): { path: string; bytes: number } | undefined {
  const manifestSpec = isRecord(spec.manifest.spec) ? spec.manifest.spec : {};
  const job = isRecord(manifestSpec.job) ? manifestSpec.job : {};
  const fields = [
    ...Object.entries(manifestSpec)
      .filter(([field]) => field !== 'job')
      .map(([field, value]) => [`spec.${field}`, value] as const),
    ...Object.entries(job).map(([field, value]) => [`spec.job.${field}`, value] as const),
  ];
  const parts = fields.map(([path, value]) => ({ path, bytes: utf8Length(JSON.stringify(value) ?? '') }));
  return parts.sort((a, b) => b.bytes - a.bytes)[0];
}

function hint(spec: AppSpec): string {
  const part = largestPart(spec);
  const where = part ? `The largest part is ${part.path} (${formatBytes(part.bytes)}). ` : '';
  return (
    `${where}Keep large data out of the manifest: put it in the image, a mounted ConfigMap or object ` +
    `storage, and pass its location.`
  );
}

/** Issues for a spec that does not fit the limits above, each naming the limit and the measured size. */
export function sizeLimitIssues(spec: AppSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  spec.job.args.forEach((arg, index) => {
    const bytes = utf8Length(arg) + 1;
    if (bytes > maxArgumentBytes) {
      issues.push({
        code: SpecIssueCode.LimitExceeded,
        path: `spec.job.args[${index}]`,
        message:
          `this job argument is ${formatBytes(bytes)}; Linux refuses a command-line argument over ` +
          `${formatBytes(maxArgumentBytes)} (MAX_ARG_STRLEN), so the JobManager could not start`,
        hint: 'Pass large values as a file (in the image or a mounted volume) and give the job its path.',
      });
    }
  });
  const recordBytes = recordSpecBytes(spec);
  if (recordBytes > recordSpecBudgetBytes) {
    issues.push({
      code: SpecIssueCode.LimitExceeded,
      path: 'spec',
      message:
        `the spec takes ${formatBytes(recordBytes)} in the deployed-state record; the record is a Kubernetes ` +
        `ConfigMap (${spec.name}-deploy-state, at most ${formatBytes(configMapLimitBytes)}) that keeps the ` +
        `spec twice (deployed and last stable) beside ${formatBytes(recordReserveBytes)} of savepoint and ` +
        `operation history, so a spec may take at most ${formatBytes(recordSpecBudgetBytes)}`,
      hint: hint(spec),
    });
  }
  const inputBytes = workflowInputBytes(spec);
  if (inputBytes > temporalPayloadLimitBytes) {
    issues.push({
      code: SpecIssueCode.LimitExceeded,
      path: 'spec',
      message:
        `the operation's input is ${formatBytes(inputBytes)}; Temporal refuses payloads over ` +
        `${formatBytes(temporalPayloadLimitBytes)} (limit.blobSize.error)`,
      hint: hint(spec),
    });
  }
  return issues;
}
