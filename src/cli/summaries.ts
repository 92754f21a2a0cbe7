/**
 * The static summary and details of a run as the Temporal Web UI shows them, e.g.
 * "upgrade basic-example (savepoint) image flink:2.3 → flink:2.4".
 */
import type { AppSpec, SpecChange } from '../spec/types';
import type { AppRef } from '../contract/app';

function short(value: unknown): string {
  if (value === undefined) return '(unset)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One line: operation, application, upgrade mode and the main changes. */
export function applySummary(spec: AppSpec, change?: SpecChange): string {
  const head =
    `${change ? (change.class === 'none' ? 'apply' : change.class) : 'apply'} ${spec.name} ` +
    `(${spec.job.upgradeMode})`;
  const where = spec.sessionJob ? `on session cluster ${spec.sessionJob.deploymentName}` : `image ${spec.image}`;
  if (!change || change.class === 'deploy') return `${head} ${where}, parallelism ${spec.job.parallelism}`;
  const changes = change.changes.slice(0, 2).map((c) => `${c.field} ${short(c.from)} → ${short(c.to)}`);
  const more = change.changes.length > 2 ? ` (+${change.changes.length - 2} more)` : '';
  return `${head} ${changes.join(', ')}${more}`.trimEnd();
}

/** Markdown details: the spec change field by field, or the spec's main fields. */
export function applyDetails(spec: AppSpec, change?: SpecChange): string {
  const lines = [
    `**application** ${spec.namespace}/${spec.name}`,
    spec.sessionJob ? `**session cluster** ${spec.sessionJob.deploymentName}` : `**image** ${spec.image}`,
    `**job** ${spec.job.jarURI} parallelism ${spec.job.parallelism}, upgradeMode ${spec.job.upgradeMode}, ` +
      `state ${spec.job.state}`,
  ];
  if (change) {
    lines.push('', `**change** ${change.summary}`, '');
    for (const c of change.changes) lines.push(`- \`${c.field}\`: ${short(c.from)} → ${short(c.to)} (${c.effect})`);
  }
  return lines.join('\n');
}

/** The summary of an operation on an application, e.g. "suspend basic-example". */
export function operationSummary(operation: string, app: AppRef, extra?: string): string {
  return `${operation} ${app.name} (${app.namespace})${extra ? ` ${extra}` : ''}`;
}
