/**
 * observer: one per task queue (id `flink-deploy-observer/<queue>`, started by every worker at
 * start-up, idempotently). Its one activity sweeps every application in a loop, heartbeating, so
 * a dead worker's sweep moves to another worker within the heartbeat timeout; it returns only
 * when its hour is up or a restart must start. The observer acts only by starting operations
 * under the application's lock (the operation's own workflow id), and continues as new every
 * hour to keep its history short. docs/observer.md.
 */
import {
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  continueAsNew,
  log,
  proxyActivities,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { ObserverActivities } from '../activities/observe-types';
import { operationWorkflowId } from '../contract/ids';
import type { ObserverInput, RestartFromCheckpointInput } from '../contract/observed-health';
import { restartFromCheckpoint } from './restart';

/** One activity call sweeps this long before it returns (then the run continues as new). */
export const OBSERVER_RUN_FOR_MS = 60 * 60 * 1000;
/** Activity calls per run at most (each restart started ends one call). */
const MAX_CALLS_PER_RUN = 20;

export async function observer(input: ObserverInput): Promise<void> {
  // A sweep heartbeats after each application and each interval: two intervals without one
  // mean the worker is gone, and the sweep resumes on another.
  const heartbeatMs = 2 * input.intervalMs + 10_000;
  const { observeApplications } = proxyActivities<ObserverActivities>({
    startToCloseTimeout: OBSERVER_RUN_FOR_MS + 10 * input.intervalMs + 5 * 60_000,
    heartbeatTimeout: heartbeatMs,
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  });
  for (let call = 1; call <= MAX_CALLS_PER_RUN; call++) {
    const step = await observeApplications({ intervalMs: input.intervalMs, runForMs: OBSERVER_RUN_FOR_MS });
    for (const restart of step.restarts) await startRestart(restart);
    if (step.restarts.length === 0 || workflowInfo().continueAsNewSuggested) break;
  }
  await continueAsNew<typeof observer>(input);
}

/**
 * The restart runs as the application's operation (its workflow id is the lock's business
 * key); when another operation is open on the application, it is not started.
 */
async function startRestart(input: RestartFromCheckpointInput): Promise<void> {
  const workflowId = operationWorkflowId(input.app);
  try {
    await startChild(restartFromCheckpoint, {
      workflowId,
      args: [input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });
    log.info('started a restart from the latest checkpoint', { workflowId, checkpoint: input.checkpoint });
  } catch (err) {
    log.warn('restart not started: another operation is open on the application', {
      workflowId,
      error: String(err),
    });
  }
}
