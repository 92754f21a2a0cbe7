/** Business-key ids: one open operation per application (docs/workflows.md). Pure. */
import type { AppRef } from './app';

/** Workflow id of every operation on an application: at most one is open at a time. */
export function operationWorkflowId(app: AppRef): string {
  return `flink-deploy/${app.namespace}/${app.name}`;
}

/** Id of the schedule of periodic savepoints of an application. */
export function savepointScheduleId(app: AppRef): string {
  return `flink-deploy-savepoints/${app.namespace}/${app.name}`;
}

/** A 32-hex id (job id, trigger id) from a UUID. */
export function hexId(uuid: string): string {
  return uuid.replace(/-/g, '');
}
