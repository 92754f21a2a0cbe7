/**
 * Every worker starts the observer of its task queue at start-up (docs/observer.md): a fixed
 * workflow id and the conflict policy USE_EXISTING, so whichever worker comes first starts it
 * and the others find it running. Not fatal: a worker that cannot start it still serves operations.
 */
import { Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type DataConverter } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import { observerWorkflowId, type ObserverInput } from '../contract/observed-health';

export interface StartObserverInput {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  intervalMs: number;
  /** The worker's (encrypting when payload keys are set): the observer's input is a payload too. */
  dataConverter?: DataConverter;
}

/** Start the observer unless it runs; resolves with its workflow id and run id. */
export async function startObserver(input: StartObserverInput): Promise<{ workflowId: string; runId: string }> {
  const { connection, namespace, dataConverter } = input;
  const client = new Client({ connection, namespace, dataConverter });
  const workflowId = observerWorkflowId(input.taskQueue);
  const args: [ObserverInput] = [{ intervalMs: input.intervalMs }];
  const handle = await client.workflow.start('observer', {
    workflowId,
    taskQueue: input.taskQueue,
    args,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    // A terminated or failed observer may be started again by the next worker.
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
  });
  return { workflowId, runId: handle.firstExecutionRunId };
}
