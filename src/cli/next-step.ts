/**
 * The next step `flink-deploy status` names: from the record, the operation in Temporal and
 * Flink's answer, the one command that leads on (docs/recovery.md explains each). Pure.
 */
import type { AppRef } from '../contract/app';
import { stateUnknownReason } from '../contract/failures';
import { operationWorkflowId } from '../contract/ids';
import type { Operation } from '../contract/operations';
import type { DeployStateRecord } from '../k8s/state-record/types';
import type { AppSpec } from '../spec/types';
import type { JobStateView } from './job-state';

/** What to do next, and why. */
export interface NextStep {
  /** The command to run, or `none` when nothing is needed. */
  command: string;
  why: string;
}

export interface NextStepInput {
  app: AppRef;
  record: DeployStateRecord<AppSpec> | undefined;
  /** The operation running in Temporal, if any (phase undefined: no worker answered). */
  operation: { workflowId: string; phase?: string; phaseFrom?: 'worker' | 'record' } | null;
  job?: JobStateView;
  recordError?: string;
}

/** How each operation is run again: from the manifest (apply decides the operation) or by its own command. */
const runAgain: Record<Operation, 'manifest' | 'own command'> = {
  apply: 'manifest',
  deploy: 'manifest',
  upgrade: 'manifest',
  scale: 'manifest',
  restart: 'manifest',
  suspend: 'own command',
  resume: 'own command',
  rollback: 'own command',
  savepoint: 'own command',
  delete: 'own command',
};

/** The command that runs operation `type` again (an apply's manifest is the user's to name). */
function commandAgain(type: string, ref: string): string | undefined {
  const how = Object.hasOwn(runAgain, type) ? runAgain[type as Operation] : undefined;
  if (how === 'manifest') return 'flink-deploy apply -f <manifest>';
  return how ? `flink-deploy ${type} ${ref}` : undefined;
}

export function nextStep(input: NextStepInput): NextStep {
  const { app, record, operation, job } = input;
  const ref = `${app.name} -n ${app.namespace}`;
  if (input.recordError)
    return {
      command: `flink-deploy status ${ref}`,
      why: 'the deployed state could not be read: fix the cluster access (kubeconfig, RBAC) and ask again',
    };
  if (operation) {
    if (operation.phaseFrom !== 'worker')
      return {
        command: 'flink-deploy worker',
        why: `an operation runs but no worker answers: start one on the task queue and it resumes where it was`,
      };
    return {
      command: `flink-deploy follow ${ref}`,
      why:
        `an operation is in progress (phase ${operation.phase}); follow it, or stop it with flink-deploy ` +
        `cancel ${ref}`,
    };
  }
  if (record?.operation) {
    const held = record.operation;
    const again = held.workflowId === operationWorkflowId(app) ? commandAgain(held.type, ref) : undefined;
    if (again)
      return {
        command: again,
        why:
          `the record is locked by ${held.type} (workflow ${held.workflowId}), which no longer runs (terminated?): ` +
          `run it again: it takes the lock over, records a savepoint Flink took for the closed run, and leads on ` +
          `from where it stopped (flink-deploy unlock ${ref} releases the lock without that)`,
      };
    return {
      command: `flink-deploy unlock ${ref}`,
      why: `the record is locked by ${held.type} (workflow ${held.workflowId}), which no longer runs`,
    };
  }
  if (!record || record.status === 'none' || record.generation === 0)
    return { command: `flink-deploy apply -f <manifest>`, why: 'nothing is deployed' };
  const last = record.history.at(-1);
  switch (record.status) {
    case 'suspended':
      return {
        command: `flink-deploy resume ${ref}`,
        why: 'suspended: resume restores the last applied spec from its savepoint (or apply with job.state: running)',
      };
    case 'failed':
      if (record.jobId && record.failureReason?.startsWith(stateUnknownReason(record.jobId)))
        return {
          command: 'flink-deploy apply -f <manifest>',
          why:
            `failed: ${record.failureReason} (rollback would restore the last stable spec from the latest ` +
            `recorded savepoint, which may be older)`,
        };
      return {
        command: `flink-deploy rollback ${ref}`,
        why:
          `failed${record.failureReason ? ` (${record.failureReason})` : ''}: rollback deploys the last ` +
          `stable spec from the latest savepoint; or apply -f a fixed spec`,
      };
    case 'running':
      if (record.carriedJobs?.length)
        return {
          command: `flink-deploy resume ${ref}`,
          why:
            `an upgrade of this session cluster stopped while it carried its session jobs over ` +
            `(${record.carriedJobs.join(', ')}): resume verifies the cluster ready and resumes those still suspended`,
        };
      if (job?.state && job.state !== 'RUNNING')
        return {
          command: `flink-deploy rollback ${ref}`,
          why:
            `the record says running but Flink says ${job.state}: rollback brings the last stable spec back ` +
            `from the latest savepoint`,
        };
      if (last?.outcome === 'rolled-back')
        return {
          command: 'flink-deploy apply -f <fixed manifest>',
          why:
            `the last upgrade was rolled back and the last stable spec runs; fix what failed ` +
            `(${last.message ?? 'see flink-deploy history'}) and apply again`,
        };
      // Flink did not answer (its JobManager never came up, e.g. an init container that cannot fetch the jar): the
      // job is not running, so the failed operation's message is what to fix; apply runs over it (docs/recovery.md).
      if (last?.outcome === 'failed' && job?.error !== undefined && job.state === undefined)
        return {
          command: 'flink-deploy apply -f <fixed manifest>',
          why:
            `the last ${last.type} failed and Flink does not answer (${job.error}); fix what failed ` +
            `(${last.message ?? 'see flink-deploy history'}) and apply again`,
        };
      if (last?.outcome === 'failed')
        return {
          command: `flink-deploy history ${ref}`,
          why:
            `the last ${last.type} failed with the job still running (${last.message ?? 'no message'}); read ` +
            `why, fix it, and run it again`,
        };
      return { command: 'none', why: 'running and stable; apply -f to change it' };
    default:
      return { command: `flink-deploy history ${ref}`, why: `status ${String(record.status)}` };
  }
}
