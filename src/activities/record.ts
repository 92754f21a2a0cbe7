/**
 * beginOperation and updateRecord: the deployed-state record, written before side effects. The
 * start and the end of an operation are also told as Kubernetes Events on the application's
 * JobManager Deployment (`kubectl describe deployment <app>-jobmanager`), best effort.
 */
import { Context } from '@temporalio/activity';
import type { AppRef } from '../contract/app';
import { Outcome } from '../contract/operations';
import { Phase } from '../contract/phases';
import { objectNames } from '../k8s/render';
import { applyUpdate, endAlreadyWritten, toDeployedState, type AppRecord } from './record-changes';
import type { ActivityDeps } from './deps';
import { classified } from './failures';
import type { BeginOperationInput, UpdateRecordInput } from './types';
import type { DeployedState } from '../contract/deployed-state';
import { LockNotHeldError } from '../k8s/state-record/errors';
import type { AppSpec } from '../spec/types';

export function recordActivities(deps: ActivityDeps) {
  const store = deps.kube.records;
  const now = () => deps.now?.() ?? new Date();
  /** One Event; a failure to write it is logged, never fails the operation (the record is the truth). */
  async function announce(app: AppRef, reason: string, message: string, warning = false): Promise<void> {
    const involved = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: app.namespace };
    try {
      await deps.kube.recordEvent({
        involved: { ...involved, name: objectNames(app.name).jobManager },
        reason,
        message,
        type: warning ? 'Warning' : 'Normal',
      });
    } catch (err) {
      Context.current().log.warn('could not record a Kubernetes Event', { reason, error: String(err) });
    }
  }
  return {
    /**
     * Take the application's lock for this workflow (again, after a crash: same workflow id)
     * and record the intent; answer what the record says. Fails with OperationInProgress when
     * another operation holds it.
     */
    async beginOperation(input: BeginOperationInput): Promise<DeployedState> {
      return classified(`locking ${input.app.namespace}/${input.app.name}`, async () => {
        const before = await store.readRecord<AppSpec>(input.app.namespace, input.app.name);
        const locked = await store.acquireLock<AppSpec>({
          namespace: input.app.namespace,
          app: input.app.name,
          workflowId: input.workflowId,
          runId: input.runId,
          operation: input.operation,
          phase: Phase.Locking,
          intent: input.intent,
        });
        if (locked.acquisition === 'acquired') {
          await announce(input.app, 'OperationStarted', `${input.operation} started (workflow ${input.workflowId})`);
        }
        return toDeployedState(before ? locked.record : undefined);
      });
    },

    /** Apply changes (and the end of the operation) under the lock, compare-and-swap. */
    async updateRecord(input: UpdateRecordInput): Promise<void> {
      await classified(
        `recording ${input.changes.map((c) => c.kind).join(', ') || 'the end'} for ${input.app.namespace}/${input.app.name}`,
        async () => {
          let ended = false;
          await store.mutateRecord<AppSpec>({
            namespace: input.app.namespace,
            app: input.app.name,
            mutate: (record: AppRecord) => {
              if (endAlreadyWritten(record, input)) return record; // a retry of our end: told before
              if (record.operation?.workflowId !== input.workflowId) {
                throw new LockNotHeldError(
                  { namespace: input.app.namespace, app: input.app.name },
                  `workflow ${input.workflowId} no longer holds the lock of ${input.app.namespace}/${input.app.name}`,
                );
              }
              ended = input.end !== undefined;
              return applyUpdate(record, input, now());
            },
          });
          if (ended && input.end) {
            const { operation, outcome, message } = input.end;
            const ok = outcome === Outcome.Succeeded || outcome === Outcome.NoChange || outcome === Outcome.Skipped;
            await announce(input.app, `Operation${pascal(outcome)}`, `${operation} ${outcome}: ${message}`, !ok);
          }
        },
      );
    },
  };
}

/** `rolled-back` → `RolledBack`: an Event reason is CamelCase. */
function pascal(words: string): string {
  return words.replace(/(^|-)(\w)/g, (_m: string, _dash: string, c: string) => c.toUpperCase());
}
