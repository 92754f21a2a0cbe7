/**
 * What a valid FlinkDeployment holds that flink-deploy accepts but ignores, or runs differently
 * than the Apache operator would: `mode: native`, the autoscaler's and the operator's own keys.
 * Each is said once (validate, plan and apply print them; `--output json` carries them as `notes`).
 */
import { savepointFormatKey } from './savepoint-format';
import { isRecord } from './yaml-documents';
import type { SpecNote } from './types';

/** The note of `spec.mode: native` (docs/spec.md, "mode: native"). */
export const nativeModeNote =
  'mode: native runs as standalone: flink-deploy starts the JobManager and the TaskManagers as Deployments ' +
  'itself (standalone application mode), so Flink creates no pods through the API server and its ' +
  'ServiceAccount needs no pod permissions; the job, its parallelism and its state are the same';

function keysNote(keys: string[], path: string, what: string): SpecNote {
  const shown = keys.length > 4 ? `${keys.slice(0, 4).join(', ')} and ${keys.length - 4} more` : keys.join(', ');
  return { path: `${path}["${keys[0]}"]`, message: `${what} (${shown})` };
}

/** The notes of a FlinkDeployment (raw `spec`, flattened `flinkConfiguration`). */
export function deploymentNotes(spec: unknown, flatConfig: Record<string, string>, configPath: string): SpecNote[] {
  const notes: SpecNote[] = [];
  if (isRecord(spec) && spec.mode === 'native') notes.push({ path: 'spec.mode', message: nativeModeNote });
  const keys = Object.keys(flatConfig).sort();
  const autoscaler = keys.filter((key) => key.startsWith('job.autoscaler.'));
  if (autoscaler.length > 0)
    notes.push(
      keysNote(
        autoscaler,
        configPath,
        'the autoscaler keys are ignored: flink-deploy has no autoscaler (a later feature); the job runs at ' +
          'spec.job.parallelism, and Flink does not read these keys',
      ),
    );
  // Of the operator's keys, the savepoint format is honoured (savepoint-format.ts).
  const operator = keys.filter((key) => key.startsWith('kubernetes.operator.') && key !== savepointFormatKey);
  if (operator.length > 0)
    notes.push(
      keysNote(
        operator,
        configPath,
        "the Apache operator's own keys are ignored: they configure that operator, not Flink; flink-deploy's " +
          'options are in spec.flinkDeploy and its settings',
      ),
    );
  const job = isRecord(spec) && isRecord(spec.job) ? spec.job : undefined;
  if (job?.autoscalerResetNonce !== undefined)
    notes.push({
      path: 'spec.job.autoscalerResetNonce',
      message: 'job.autoscalerResetNonce is ignored: flink-deploy has no autoscaler',
    });
  return notes;
}
