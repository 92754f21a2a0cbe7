/**
 * In-place rescaling (issue 15): whether a change of parallelism (and with it the TaskManager count)
 * is done on the running job through the adaptive scheduler's resource requirements, or by the
 * upgrade path (savepoint, redeploy). One reason per guard; the reason is what plan, the progress
 * line and the result say. Automatic: the user's flinkConfiguration has `jobmanager.scheduler: adaptive`
 * (docs/spec.md, "In-place rescaling"). Pure and deterministic: safe in workflow code and the CLI.
 */
import { isAtLeast } from './flink-version';
import { adaptiveSchedulerKey, adaptiveSchedulerValue, isAdaptiveScheduler, isReactiveMode } from './scheduler';
import { ChangeClass, type AppSpec, type FlinkVersion, type SpecChange } from './types';

/** The fields a rescale changes; any other changed field needs the upgrade path. */
export const rescaleFields: readonly string[] = ['job.parallelism', 'taskManager.replicas'];

/** The oldest Flink whose REST API takes `PUT /jobs/:jobid/resource-requirements` (FLIP-291). */
export const oldestInPlaceFlinkVersion: FlinkVersion = { major: 1, minor: 18 };

/** How large a job runs: its parallelism and the TaskManagers that give it slots. */
export interface JobScale {
  parallelism: number;
  taskManagers: number;
}

/** The decision for one spec change. */
export type RescaleDecision =
  /** Only parallelism / TaskManager count changed, and Flink can take it in place. */
  | { kind: 'in-place'; from: JobScale; to: JobScale; summary: string }
  /** A rescale the running job cannot take in place: the upgrade path runs, for `reason`. */
  | { kind: 'upgrade'; reason: string; summary: string }
  /** No parallelism or TaskManager count change: nothing to decide here. */
  | { kind: 'not-a-rescale' };

/** `job.parallelism 2 → 3, TaskManagers 1 → 2` (only what changes). */
export function describeRescale(from: JobScale, to: JobScale): string {
  const parts: string[] = [];
  if (from.parallelism !== to.parallelism) parts.push(`job.parallelism ${from.parallelism} → ${to.parallelism}`);
  if (from.taskManagers !== to.taskManagers) parts.push(`TaskManagers ${from.taskManagers} → ${to.taskManagers}`);
  return parts.join(', ');
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

/**
 * Whether the change from the deployed spec to `desired` (`change` = diffSpecs of the two) is a
 * rescale in place. Everything that would differ between the deployed and the desired spec apart from
 * the scale (Flink version, scheduler) is itself a changed field, so `desired` answers for both.
 */
export function rescaleDecision(desired: AppSpec, change: SpecChange): RescaleDecision {
  if (change.class !== ChangeClass.Upgrade && change.class !== ChangeClass.Scale) return { kind: 'not-a-rescale' };
  const scaleChanges = change.changes.filter((c) => rescaleFields.includes(c.field));
  if (scaleChanges.length === 0) return { kind: 'not-a-rescale' };
  const field = (name: string) => scaleChanges.find((c) => c.field === name);
  const to: JobScale = { parallelism: desired.job.parallelism, taskManagers: desired.taskManager.replicas };
  const from: JobScale = {
    parallelism: numberOr(field('job.parallelism')?.from, to.parallelism),
    taskManagers: numberOr(field('taskManager.replicas')?.from, to.taskManagers),
  };
  const summary = describeRescale(from, to);
  const upgrade = (reason: string): RescaleDecision => ({ kind: 'upgrade', reason, summary });
  const others = change.changes.filter((c) => !rescaleFields.includes(c.field) && c.effect !== 'recorded');
  if (others.length > 0)
    return upgrade(`other fields change as well (${others.map((c) => c.field).join(', ')}), which need a redeploy`);
  const { major, minor } = desired.flinkVersion;
  if (!isAtLeast(desired.flinkVersion, oldestInPlaceFlinkVersion))
    return upgrade(`Flink ${major}.${minor} has no resource-requirements API (1.18 or later rescales in place)`);
  const config = desired.flinkConfiguration;
  if (isReactiveMode(config))
    return upgrade('reactive mode: the job follows the TaskManagers there are, not resource requirements');
  if (!isAdaptiveScheduler(config))
    return upgrade(
      `the scheduler is not adaptive (set flinkConfiguration ${adaptiveSchedulerKey}: ${adaptiveSchedulerValue} ` +
        `to rescale in place)`,
    );
  if (to.taskManagers * desired.slotsPerTaskManager < to.parallelism)
    return upgrade(
      `${to.taskManagers} TaskManager(s) × ${desired.slotsPerTaskManager} slot(s) cannot run parallelism ` +
        `${to.parallelism}`,
    );
  return { kind: 'in-place', from, to, summary };
}

/** One line for plan and the progress: what apply does for this decision. */
export function rescaleLine(decision: RescaleDecision, upgradeMode: string): string | undefined {
  if (decision.kind === 'in-place') return `rescale in place: ${decision.summary}`;
  if (decision.kind === 'upgrade')
    return `upgrade (${upgradeMode}): ${decision.summary}; not in place: ${decision.reason}`;
  return undefined;
}
