/** What `plan` (and `apply --dry-run`) shows: the change class and each changed field. */
import type { AppSpec, SpecChange } from '../spec/types';
import { ChangeClass } from '../spec/types';
import { Operation } from '../contract/operations';
import { flinkVersionTesting, isTestedFlinkVersion } from '../spec/flink-version';
import { rescaleDecision, rescaleLine } from '../spec/rescale';

/** The operation `apply` runs for a change class. */
export function operationForChange(changeClass: SpecChange['class']): Operation {
  switch (changeClass) {
    case ChangeClass.Deploy:
      return Operation.Deploy;
    case ChangeClass.Upgrade:
      return Operation.Upgrade;
    case ChangeClass.Scale:
      return Operation.Scale;
    case ChangeClass.Restart:
      return Operation.Restart;
    case ChangeClass.Suspend:
      return Operation.Suspend;
    case ChangeClass.Resume:
      return Operation.Resume;
    case ChangeClass.SavepointOnly:
      return Operation.Savepoint;
    case ChangeClass.Ingress:
      return Operation.Apply;
    default:
      return Operation.Apply;
  }
}

/**
 * The operation `apply` of `spec` runs for `change`, as plan says and the FlinkOperation search
 * attribute is set: `scale` for a rescale in place (the workflow's result says `scale` too).
 */
export function applyOperation(spec: AppSpec, change: SpecChange): Operation {
  return rescaleDecision(spec, change).kind === 'in-place' ? Operation.Scale : operationForChange(change.class);
}

/** The JSON document of `plan`. */
export interface PlanJson {
  app: { namespace: string; name: string };
  class: SpecChange['class'];
  /** The operation apply would run (`apply` = nothing to do on the cluster). */
  operation: Operation;
  upgradeMode: string;
  summary: string;
  savepointRequested: boolean;
  changes: { field: string; from: unknown; to: unknown; effect: string }[];
  /** The operation holding the application now, if any. */
  operationInProgress?: { workflowId: string; type: string; phase: string };
  /**
   * Only for a parallelism / TaskManager count change: `rescale in place: job.parallelism 2 → 3` or
   * `upgrade (savepoint): job.parallelism 2 → 3; not in place: <why>` (docs/spec.md, "In-place rescaling").
   */
  rescale?: string;
  /** Only for a Flink version no test here runs: e.g. `Flink 1.19 is not tested here (tested: 1.20, 2.2, 2.3)`. */
  flinkVersionNote?: string;
}

/** Builds the plan document. */
export function planJson(spec: AppSpec, change: SpecChange, inProgress?: PlanJson['operationInProgress']): PlanJson {
  return {
    app: { namespace: spec.namespace, name: spec.name },
    class: change.class,
    operation: applyOperation(spec, change),
    upgradeMode: spec.job.upgradeMode,
    summary: change.summary,
    savepointRequested: change.savepointRequested,
    changes: change.changes.map(({ field, from, to, effect }) => ({ field, from, to, effect })),
    operationInProgress: inProgress,
    ...rescaleField(spec, change),
    // A session job runs on its cluster's Flink (its own version is a placeholder).
    ...(isTestedFlinkVersion(spec.flinkVersion) || spec.sessionJob
      ? {}
      : {
          flinkVersionNote:
            `Flink ${spec.flinkVersion.major}.${spec.flinkVersion.minor} is ` + flinkVersionTesting(spec.flinkVersion),
        }),
  };
}

function rescaleField(spec: AppSpec, change: SpecChange): Pick<PlanJson, 'rescale'> {
  const decision = rescaleDecision(spec, change);
  const line = rescaleLine(decision, spec.job.upgradeMode);
  return line ? { rescale: line } : {};
}

function show(value: unknown): string {
  return value === undefined ? '(unset)' : JSON.stringify(value);
}

/** The plan for people. */
export function planText(plan: PlanJson): string {
  const lines = [
    `plan for ${plan.app.namespace}/${plan.app.name}: ` +
      `${plan.class}${plan.class === ChangeClass.Upgrade ? ` (upgradeMode ${plan.upgradeMode})` : ''}`,
  ];
  for (const change of plan.changes)
    lines.push(`  ${change.field}: ${show(change.from)} → ${show(change.to)}  [${change.effect}]`);
  lines.push(
    plan.class === ChangeClass.Ingress
      ? 'apply would apply the ingress alone; the job keeps running'
      : plan.operation === Operation.Apply
        ? plan.changes.length
          ? 'apply would record the changes; nothing is redeployed'
          : 'apply would do nothing: the deployed spec matches'
        : `apply would run: ${plan.operation}${plan.savepointRequested ? ' (a savepoint is requested too)' : ''}`,
  );
  if (plan.rescale) lines.push(plan.rescale);
  if (plan.operationInProgress)
    lines.push(
      `note: ${plan.operationInProgress.type} is in progress (${plan.operationInProgress.phase}): ` +
        `${plan.operationInProgress.workflowId}; apply would fail with exit 5 (or wait with --queue)`,
    );
  if (plan.flinkVersionNote) lines.push(`note: ${plan.flinkVersionNote}`);
  return lines.join('\n');
}
