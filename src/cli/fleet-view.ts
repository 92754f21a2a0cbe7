/** What the CLI shows of a fleet rollout: the plan, a line per application change, the final table, JSON, exit code. */
import { FleetOutcome, type FleetAppProgress, type FleetProgress } from '../contract/fleet';
import { ExitCode } from './exit-codes';
import type { FleetPlanEntry } from './fleet-manifests';

/** The exit code of a rollout that ended this way (docs/cli.md). */
export function exitCodeForFleet(outcome: FleetProgress['outcome']): ExitCode {
  switch (outcome) {
    case FleetOutcome.Succeeded:
      return ExitCode.Success;
    case FleetOutcome.RolledBack:
      return ExitCode.RolledBack;
    case FleetOutcome.Partial:
      return ExitCode.OperationInProgress;
    default:
      return ExitCode.OperationFailed;
  }
}

const name = (a: { app: { namespace: string; name: string } }) => `${a.app.namespace}/${a.app.name}`;

/** The plan of every application, one line each (then `plan`'s details for those that change). */
export function fleetPlanText(entries: readonly FleetPlanEntry[], canaries: readonly string[]): string {
  const width = Math.max(...entries.map((e) => name(e.plan).length));
  const lines = [`plan for ${entries.length} applications:`];
  for (const { plan, app } of entries) {
    const what = app.unchanged
      ? 'unchanged: skipped'
      : `${plan.operation}${plan.changes.length ? ` (${plan.summary})` : ''}`;
    const busy = plan.operationInProgress
      ? `  [busy: ${plan.operationInProgress.type} ${plan.operationInProgress.phase}]`
      : '';
    const canary = canaries.includes(name(plan)) ? '  [canary]' : '';
    lines.push(`  ${name(plan).padEnd(width)}  ${what}${canary}${busy}`);
  }
  return lines.join('\n');
}

/** One application's line as it changes state. */
export function fleetAppLine(app: FleetAppProgress): string {
  return `${name(app)}  ${app.state}: ${app.message}`;
}

/** The final table: application, state, operation, what happened. */
export function fleetTable(progress: FleetProgress): string {
  const rows = progress.apps.map((a) => [name(a), a.state, a.operation, a.message.split('\n')[0]!]);
  const head = ['APPLICATION', 'STATE', 'OPERATION', 'MESSAGE'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]!) : c))
      .join('  ')
      .trimEnd();
  return [
    fmt(head),
    ...rows.map(fmt),
    '',
    `rollout ${progress.rolloutId}: ${progress.outcome ?? progress.stage}: ${progress.message ?? ''}`.trimEnd(),
  ].join('\n');
}

/** The JSON document of a fleet apply. */
export function fleetJson(
  run: { workflowId: string; runId: string; url: string },
  progress: FleetProgress | undefined,
  exitCode: number,
): Record<string, unknown> {
  return {
    rolloutId: progress?.rolloutId,
    workflowId: run.workflowId,
    runId: run.runId,
    url: run.url,
    stage: progress?.stage,
    outcome: progress?.outcome,
    message: progress?.message,
    haltReason: progress?.haltReason,
    counts: progress?.counts,
    maxRunning: progress?.maxRunning,
    apps: progress?.apps.map((a) => ({
      app: a.app,
      canary: a.canary,
      state: a.state,
      operation: a.operation,
      message: a.message,
      workflowId: a.workflowId,
      runId: a.runId,
    })),
    exitCode,
  };
}
