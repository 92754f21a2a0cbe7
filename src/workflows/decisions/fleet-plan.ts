/**
 * The pure decisions of a fleet rollout: the order (canaries first), whether the input holds
 * together, which applications a halt sends back, and how the rollout ended. Pure.
 */
import {
  FleetAppState,
  FleetOutcome,
  type FleetApp,
  type FleetAppProgress,
  type FleetInput,
} from '../../contract/fleet';

/** `namespace/name` of an application of the rollout. */
export function fleetAppKey(app: FleetApp): string {
  return `${app.spec.namespace}/${app.spec.name}`;
}

/** The indexes of the canaries (in the order named), then of the others (in input order). */
export function rolloutOrder(input: Pick<FleetInput, 'apps' | 'canaries'>): { canaries: number[]; rest: number[] } {
  const keys = input.apps.map(fleetAppKey);
  const canaries = input.canaries.map((c) => keys.indexOf(c)).filter((i) => i >= 0);
  const rest = keys.map((_, i) => i).filter((i) => !canaries.includes(i));
  return { canaries, rest };
}

/** The index of session job `index`'s session cluster when the rollout applies it too; else undefined. */
export function clusterInRollout(apps: readonly FleetApp[], index: number): number | undefined {
  const job = apps[index]?.spec;
  const name = job?.sessionJob?.deploymentName;
  if (!job || name === undefined) return undefined;
  const found = apps.findIndex((a) => a.spec.namespace === job.namespace && a.spec.name === name);
  return found >= 0 ? found : undefined;
}

/**
 * `rolloutOrder` with session clusters before their jobs (patch `fleet-session-clusters-first`): the cluster
 * of a canary job is a canary too, and in each group the session clusters come first, so a job that waits
 * for its cluster's change to end never waits on one not started yet.
 */
export function sessionAwareOrder(input: Pick<FleetInput, 'apps' | 'canaries'>): {
  canaries: number[];
  rest: number[];
} {
  const { canaries, rest } = rolloutOrder(input);
  const clustersOfCanaries = canaries
    .map((i) => clusterInRollout(input.apps, i))
    .filter((c): c is number => c !== undefined && !canaries.includes(c));
  const firstClusters = (indexes: number[]) => [
    ...indexes.filter((i) => input.apps[i]!.spec.sessionCluster === true),
    ...indexes.filter((i) => input.apps[i]!.spec.sessionCluster !== true),
  ];
  const promoted = [...new Set(clustersOfCanaries)];
  return {
    canaries: firstClusters([...promoted, ...canaries]),
    rest: firstClusters(rest.filter((i) => !promoted.includes(i))),
  };
}

/** What is wrong with a rollout's input, one sentence per problem (empty: nothing). */
export function fleetInputProblems(input: FleetInput): string[] {
  const problems: string[] = [];
  if (typeof input.rolloutId !== 'string' || !/^[a-z0-9][a-z0-9.-]{0,62}$/.test(input.rolloutId))
    problems.push('`rolloutId` must be 1-63 lowercase letters, digits, dots and dashes');
  if (!Array.isArray(input.apps) || input.apps.length === 0) problems.push('`apps` must list at least one application');
  if (!Number.isInteger(input.concurrency) || input.concurrency < 1)
    problems.push('`concurrency` must be an integer of at least 1');
  if (!(input.busyTimeoutSeconds >= 0)) problems.push('`busyTimeoutSeconds` must be 0 or more');
  if (!(input.approvalTimeoutSeconds > 0)) problems.push('`approvalTimeoutSeconds` must be more than 0');
  if (input.ifBusy !== 'wait' && input.ifBusy !== 'skip') problems.push('`ifBusy` must be wait or skip');
  if (!Array.isArray(input.apps) || !Array.isArray(input.canaries)) return problems;
  if (!input.apps.every((a) => typeof a?.spec?.namespace === 'string' && typeof a.spec.name === 'string')) {
    problems.push('every application needs a `spec` with a namespace and a name');
    return problems;
  }
  const keys = input.apps.map(fleetAppKey);
  const duplicates = keys.filter((k, i) => keys.indexOf(k) !== i);
  if (duplicates.length) problems.push(`applications listed twice: ${[...new Set(duplicates)].join(', ')}`);
  const unknown = input.canaries.filter((c) => !keys.includes(c));
  if (unknown.length) problems.push(`canaries not in the rollout: ${unknown.join(', ')}`);
  if (input.approveAfterCanary && input.canaries.length === 0)
    problems.push('`approveAfterCanary` needs at least one canary');
  return problems;
}

/** True when a halt's `--rollback-on-failure` sends this application back (it moved, and had a spec before). */
export function shouldRevert(app: FleetApp, progress: FleetAppProgress): boolean {
  return progress.state === FleetAppState.Succeeded && app.previousSpec !== undefined && !app.unchanged;
}

/** How the rollout ended, from each application's final state and whether it was aborted. */
export function fleetOutcome(states: readonly FleetAppState[], aborted: boolean): FleetOutcome {
  if (aborted) return FleetOutcome.Aborted;
  if (states.some((s) => s === FleetAppState.Failed || s === FleetAppState.RevertFailed)) return FleetOutcome.Failed;
  if (states.some((s) => s === FleetAppState.RolledBack)) return FleetOutcome.RolledBack;
  if (states.some((s) => s === FleetAppState.Busy)) return FleetOutcome.Partial;
  return FleetOutcome.Succeeded;
}
