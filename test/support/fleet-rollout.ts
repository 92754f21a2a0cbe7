/**
 * A fleet rollout through the CLI on the local stack: `flink-deploy apply` of several manifests,
 * waited for, and its `--output json` summary read (docs/fleet.md).
 */
import type { CliResult, E2eEnv } from './e2e';

/** The summary `apply -o json` prints for a fleet rollout (the fields the tests read). */
export interface FleetSummary {
  outcome: string;
  maxRunning: number;
  apps: { app: { name: string }; state: string; canary: boolean }[];
  exitCode: number;
}

export interface FleetApplied extends CliResult {
  /** Undefined when stdout held no JSON (the CLI failed before the rollout ended). */
  summary?: FleetSummary;
  /** Each application's end state by name. */
  states: Record<string, string>;
}

/** Runs one rollout of `manifests` with `--wait` bounded by `timeout`; `options`: --canary, --concurrency... */
export async function applyFleet(
  env: E2eEnv,
  manifests: readonly string[],
  options: readonly string[] = [],
  timeout = '14m',
): Promise<FleetApplied> {
  const result = await env.cli([
    'apply',
    ...manifests.flatMap((f) => ['-f', f]),
    ...options,
    '--wait',
    '--timeout',
    timeout,
    '-o',
    'json',
  ]);
  let summary: FleetSummary | undefined;
  try {
    summary = JSON.parse(result.stdout) as FleetSummary;
  } catch {
    summary = undefined;
  }
  const states = Object.fromEntries((summary?.apps ?? []).map((a) => [a.app.name, a.state]));
  return { ...result, summary, states };
}
