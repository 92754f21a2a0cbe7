/**
 * How long flink-deploy waits for a new version to be stable (`spec.flinkDeploy.stability`, of a FlinkDeployment and
 * of a FlinkSessionJob): at most 2 hours, the bound of one attempt of every wait the timeout sets (the stability wait,
 * a cluster's readiness: their start-to-close timeout, src/workflows/activity-profiles.ts). A longer timeout outlasts
 * the attempt, and its retries keep waiting to the deadline: `timeoutSeconds: 1000000000` would hold the
 * application's lock, and a broken version's rollback, for 31 years. The other values of `spec.flinkDeploy`
 * (`maxCheckpointAgeSeconds`, `maxFailureRestartsPerHour`) are compared, never waited for: no bound needed. And the
 * timeout must be longer than the window (`stabilityOrderIssues`): the wait ends at the timeout, so a window as long
 * or longer can never be watched to its end.
 */
import * as defaults from './defaults';
import { SpecIssueCode, type SpecIssue } from './types';

/** The longest stability timeout (and so window): 2 hours. */
export const maxStabilitySeconds = 7_200;

/** The stability window and timeout over `maxStabilitySeconds`; `path` is where the stability block sits. */
export function stabilityLimitIssues(
  stability: { windowSeconds?: number; timeoutSeconds?: number } | undefined,
  path = 'spec.flinkDeploy.stability',
): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const { windowSeconds, timeoutSeconds } = stability ?? {};
  if (timeoutSeconds !== undefined && timeoutSeconds > maxStabilitySeconds)
    issues.push({
      code: SpecIssueCode.InvalidValue,
      path: `${path}.timeoutSeconds`,
      message:
        `timeoutSeconds is ${timeoutSeconds}: flink-deploy waits at most ${maxStabilitySeconds} s (2 hours) for a ` +
        "new version to be stable; a longer wait would hold the application's lock, and a broken version's " +
        'rollback, for as long',
      hint: `Set timeoutSeconds to ${maxStabilitySeconds} or less.`,
    });
  if (windowSeconds !== undefined && windowSeconds > maxStabilitySeconds)
    issues.push({
      code: SpecIssueCode.InvalidValue,
      path: `${path}.windowSeconds`,
      message:
        `windowSeconds is ${windowSeconds}: the window must end within the stability timeout, which is at most ` +
        `${maxStabilitySeconds} s (2 hours)`,
      hint: `Set windowSeconds below timeoutSeconds (at most ${maxStabilitySeconds}).`,
    });
  return issues;
}

/**
 * The stability timeout not longer than the window (each, when absent, its default: src/spec/defaults.ts): the wait
 * (src/activities/stability.ts) gives up at the timeout, before the window can end, so every deploy and upgrade
 * would fail, or roll back, after it. `path` is where the stability block sits.
 */
export function stabilityOrderIssues(
  stability: { windowSeconds?: number; timeoutSeconds?: number } | undefined,
  path = 'spec.flinkDeploy.stability',
): SpecIssue[] {
  const windowSeconds = stability?.windowSeconds ?? defaults.defaultStabilityWindowSeconds;
  const timeoutSeconds = stability?.timeoutSeconds ?? defaults.defaultStabilityTimeoutSeconds;
  if (timeoutSeconds > windowSeconds) return [];
  return [
    {
      code: SpecIssueCode.InvalidValue,
      path: `${path}.timeoutSeconds`,
      message: `timeoutSeconds (${timeoutSeconds}) must be longer than windowSeconds (${windowSeconds})`,
      hint: 'Raise timeoutSeconds or lower windowSeconds.',
    },
  ];
}
