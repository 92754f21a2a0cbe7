/** beginOperation and updateRecord: the deployed-state record, written before side effects. */
import { applyUpdate, toDeployedState, type AppRecord } from './record-changes';
import type { ActivityDeps } from './deps';
import { classified } from './failures';
import type { BeginOperationInput, UpdateRecordInput } from './types';
import type { DeployedState } from '../contract/deployed-state';
import { LockNotHeldError } from '../k8s/state-record/errors';
import type { AppSpec } from '../spec/types';

export function recordActivities(deps: ActivityDeps) {
  const store = deps.kube.records;
  const now = () => deps.now?.() ?? new Date();
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
          phase: 'Locking',
          intent: input.intent,
        });
        return toDeployedState(before ? locked.record : undefined);
      });
    },

    /** Apply changes (and the end of the operation) under the lock, compare-and-swap. */
    async updateRecord(input: UpdateRecordInput): Promise<void> {
      await classified(
        `recording ${input.changes.map((c) => c.kind).join(', ') || 'the end'} for ${input.app.namespace}/${input.app.name}`,
        async () => {
          await store.mutateRecord<AppSpec>({
            namespace: input.app.namespace,
            app: input.app.name,
            mutate: (record: AppRecord) => {
              if (record.operation?.workflowId !== input.workflowId) {
                if (input.end && !record.operation && record.history.at(-1)?.workflowId === input.workflowId)
                  return record; // already ended (retry)
                throw new LockNotHeldError(
                  { namespace: input.app.namespace, app: input.app.name },
                  `workflow ${input.workflowId} no longer holds the lock of ${input.app.namespace}/${input.app.name}`,
                );
              }
              return applyUpdate(record, input, now());
            },
          });
        },
      );
    },
  };
}
