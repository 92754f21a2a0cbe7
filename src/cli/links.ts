/** Temporal Web UI links and the commands that follow an operation. */
import type { Settings } from '../config/settings';
import type { AppRef } from '../contract/app';

/** `<ui>/namespaces/<ns>/workflows/<encoded id>/<runId>`. */
export function workflowUrl(
  settings: Pick<Settings, 'uiUrl' | 'temporalNamespace'>,
  workflowId: string,
  runId?: string,
): string {
  const base =
    `${settings.uiUrl}/namespaces/${encodeURIComponent(settings.temporalNamespace)}` +
    `/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}` : base;
}

/** `<ui>/namespaces/<ns>/schedules/<encoded id>`. */
export function scheduleUrl(settings: Pick<Settings, 'uiUrl' | 'temporalNamespace'>, scheduleId: string): string {
  return (
    `${settings.uiUrl}/namespaces/${encodeURIComponent(settings.temporalNamespace)}` +
    `/schedules/${encodeURIComponent(scheduleId)}`
  );
}

/** `flink-deploy follow <app> -n <ns>`: how to pick up a running operation again. */
export function followHint(app: AppRef): string {
  return `flink-deploy follow ${app.name} -n ${app.namespace}`;
}

/** `flink-deploy cancel <app> -n <ns>`. */
export function cancelHint(app: AppRef): string {
  return `flink-deploy cancel ${app.name} -n ${app.namespace}`;
}

/** `flink-deploy status <app> -n <ns>`: what runs, and the command that leads on. */
export function statusHint(app: AppRef): string {
  return `flink-deploy status ${app.name} -n ${app.namespace}`;
}
