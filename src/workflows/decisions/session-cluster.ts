/**
 * What `apply` does with a session cluster (AppSpec.sessionCluster: a FlinkDeployment without
 * `spec.job`), and when an operation on one is refused because jobs run on it. One reason per
 * guard. Pure: unit-tested in test/unit/workflows/session-cluster-decisions.test.ts.
 */
import type { DeployedState } from '../../contract/deployed-state';
import type { AppRef } from '../../contract/app';
import type { SessionClusterJob } from '../../activities/types';
import type { AppSpec, SpecChange } from '../../spec/types';

/** What apply does with a session cluster spec. */
export type SessionClusterStep =
  /** Nothing deployed yet: deploy the cluster. */
  | { kind: 'deploy' }
  /** Suspended: the spec is recorded; `resume` deploys it. */
  | { kind: 'record-only' }
  /** The deployed spec matches (changes, if any, only recorded). */
  | { kind: 'none' }
  /** Only spec.ingress changed: applied alone, the cluster and its jobs untouched. */
  | { kind: 'ingress' }
  /** Anything else: the cluster is redeployed (refused while jobs run on it). */
  | { kind: 'redeploy' };

/** The step for a session cluster `spec` against the record; `change` is `diffSpecs(deployed, spec)`. */
export function sessionClusterStep(state: DeployedState, change: SpecChange): SessionClusterStep {
  if (!state.exists || !state.lastAppliedSpec) return { kind: 'deploy' };
  if (state.status === 'suspended') return { kind: 'record-only' };
  // A failed rollout (cluster never ready) is redeployed even when the spec did not change.
  if (state.status === 'failed') return { kind: 'redeploy' };
  if (change.class === 'none' || change.class === 'savepoint-only') return { kind: 'none' };
  if (change.class === 'ingress') return { kind: 'ingress' };
  return { kind: 'redeploy' };
}

/**
 * The refusal when a manifest would turn an application into a session cluster or back (one name, one
 * record): undefined when the kinds match or nothing is deployed.
 */
export function kindChangeRefusal(app: AppRef, deployed: AppSpec | undefined, spec: AppSpec): string | undefined {
  if (!deployed || (deployed.sessionCluster === true) === (spec.sessionCluster === true)) return undefined;
  const was = deployed.sessionCluster ? 'a session cluster' : 'an application (a FlinkDeployment with spec.job)';
  const is = spec.sessionCluster ? 'a session cluster (no spec.job)' : 'an application (with spec.job)';
  return (
    `${app.namespace}/${app.name} is deployed as ${was}; the manifest describes ${is}. One cannot become the ` +
    `other in place: run \`flink-deploy delete ${app.name} -n ${app.namespace}\` first, or give the manifest ` +
    'another metadata.name. Nothing was changed.'
  );
}

/** What is refused while jobs run on the cluster. */
export type BusyAction = 'upgrade' | 'suspend' | 'delete';

/** The refusal of `action` on session cluster `app` while `jobs` run on it; undefined when none runs. */
export function busyRefusal(app: AppRef, jobs: readonly SessionClusterJob[], action: BusyAction): string | undefined {
  if (jobs.length === 0) return undefined;
  const listed = jobs.map((job) => `${job.name} (job ${job.jobId}, ${job.state})`).join(', ');
  const count = jobs.length === 1 ? '1 job runs' : `${jobs.length} jobs run`;
  return (
    `the ${action} of session cluster ${app.namespace}/${app.name} is refused: ${count} on it: ${listed}. ` +
    `Nothing was changed. Stop ${jobs.length === 1 ? 'it' : 'them'} first with a savepoint (Flink's \`flink stop ` +
    `-m <${app.name}-rest address> <job id>\`, or \`flink cancel\` for a job whose state you do not need), ` +
    `then run the ${action} again` +
    (action === 'delete'
      ? ` (or \`flink-deploy delete ${app.name} -n ${app.namespace} --no-savepoint\` deletes it, its jobs lost).`
      : '.')
  );
}
