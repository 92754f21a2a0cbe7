/** The RunLookup over a Temporal client (shared by the CLI and the worker): `describe` of the exact run. */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { RunLookup, RunState } from '../contract/run-state';

/** A run's state; a transport error is thrown (the caller retries), never read as "closed". */
export async function runStateOf(client: Client, workflowId: string, runId: string): Promise<RunState> {
  try {
    const description = await client.workflow.getHandle(workflowId, runId).describe();
    const status = description.status.name;
    return status === 'RUNNING' ? { kind: 'running' } : { kind: 'closed', status };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { kind: 'not-found' };
    throw err;
  }
}

export function runLookupOf(client: Client): RunLookup {
  return { runState: (workflowId, runId) => runStateOf(client, workflowId, runId) };
}
