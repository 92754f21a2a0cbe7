/**
 * TaskManagers on demand (issue 16; docs/spec.md, "Session mode"): a session cluster whose manifest sets no
 * `taskManager.replicas` (AppSpec `taskManager.onDemand`) runs as many TaskManagers as its session jobs need
 * slots, as Flink's native resource manager starts them, never fewer than its deployed `replicas` and never
 * more than `slotmanager.number-of-slots.max` allows.
 *
 * The demand is written first: each session job's `<job>-rest` Service names the slots it asks
 * (AnnotationKey.Slots: its parallelism before its submission, `0` once it stopped). Then the TaskManager
 * Deployment is read, the demand summed over the cluster's Services, and the new count written if the count
 * is still the one read (a compare-and-swap of `spec.replicas`; changed, both are read again). Two jobs
 * growing the cluster at once: each writes its demand before it reads the others', so at least one sees both,
 * and a count is only ever raised here, so the last write holds both.
 *
 * Fewer TaskManagers when a job stopped, only the idle ones (`idle-task-managers.ts`: their pods are removed first,
 * by their deletion cost; a TaskManager holding a running job's tasks stays). After lowering it, the demand is
 * read again and the count raised back for a job that asked meanwhile: that job read the count before the lower
 * write and found it high enough, so it wrote nothing (its later reads see the lower count).
 */
import { Context } from '@temporalio/activity';
import type { V1Deployment } from '@kubernetes/client-node';
import type { AppRef } from '../contract/app';
import { hasErrorCode } from '../contract/errors';
import { onDemandSlotBound } from '../contract/session-jobs';
import type { FlinkRestClient } from '../flink';
import { KubeErrorCode } from '../k8s';
import { objectNames } from '../k8s/render';
import type { AppSpec } from '../spec/types';
import type { ActivityDeps } from './deps';
import { restServices, slotDemand } from './session-services';
import { idleTaskManagersGo } from './idle-task-managers';

type ClusterSpec = Pick<AppSpec, 'taskManager' | 'slotsPerTaskManager' | 'flinkConfiguration'>;

/** The TaskManagers a cluster with TaskManagers on demand runs for `demand` slots. Pure. */
export function taskManagersFor(cluster: ClusterSpec, demand: number): number {
  const least = cluster.taskManager.replicas;
  const slots = cluster.slotsPerTaskManager;
  const bound = onDemandSlotBound(cluster);
  const most = bound === undefined ? Number.POSITIVE_INFINITY : Math.max(least, Math.floor(bound / slots));
  return Math.min(most, Math.max(least, Math.ceil(demand / slots)));
}

/** Conflicting writes (another job's) tolerated before the activity's own retry takes over. */
const ATTEMPTS = 5;

/** Whether the count changes: `grow` only raises it, `shrink` only lowers it. */
type Direction = 'grow' | 'shrink';

/**
 * Sets the TaskManagers of session cluster `cluster` to its jobs' demand, in `direction` only; a cluster without
 * TaskManagers on demand, or not deployed, is left alone. Returns the counts when it changed them.
 */
async function fitTaskManagers(
  deps: ActivityDeps,
  cluster: AppRef,
  direction: Direction,
  lowest: (counts: { from: number; to: number }) => Promise<number> = async ({ to }) => to,
): Promise<{ from: number; to: number } | undefined> {
  const record = await deps.kube.records.readRecord<AppSpec>(cluster.namespace, cluster.name);
  const deployed = record?.record.lastAppliedSpec;
  if (!deployed?.sessionCluster || !deployed.taskManager.onDemand) return undefined;
  const name = objectNames(cluster.name).taskManager;
  for (let attempt = 1; ; attempt++) {
    // The Deployment first, then the demand: a job that wrote its demand after this read also raises the count
    // after it, so this write finds the count changed and reads both again.
    const status = await deps.kube.readDeploymentStatus({ namespace: cluster.namespace, name });
    if (!status.found) return undefined;
    const services = await deps.kube.listServices({ namespace: cluster.namespace, labelSelector: restServices });
    const from = status.desiredReplicas;
    let to = taskManagersFor(deployed, slotDemand(services, cluster.name));
    if (direction === 'grow' ? to <= from : to >= from) return undefined;
    if (direction === 'shrink') to = await lowest({ from, to });
    if (to === from) return undefined;
    try {
      await deps.kube.scaleDeployment({ namespace: cluster.namespace, name, replicas: to, from });
      return { from, to };
    } catch (err) {
      if (!hasErrorCode(err, KubeErrorCode.Conflict) || attempt >= ATTEMPTS) throw err;
    }
  }
}

/** Adds the TaskManagers the cluster's jobs' slots need (their demand written before). Throws what fails. */
export async function growTaskManagers(deps: ActivityDeps, cluster: AppRef): Promise<void> {
  const changed = await fitTaskManagers(deps, cluster, 'grow');
  if (changed)
    Context.current().log.info(
      `session cluster ${cluster.namespace}/${cluster.name}: ${changed.from} → ${changed.to} TaskManagers for ` +
        'the slots of its jobs',
    );
}

/**
 * Removes the idle TaskManagers no job needs. Never throws: a failure (the cluster unreachable, say) is logged,
 * not the operation's; the cluster keeps TaskManagers until the next one.
 */
export async function shrinkTaskManagers(
  deps: ActivityDeps,
  flink: () => Promise<FlinkRestClient>,
  cluster: AppRef,
  signal?: AbortSignal,
): Promise<void> {
  try {
    const lowest = async (counts: { from: number; to: number }) =>
      idleTaskManagersGo(deps, await flink(), cluster, counts, signal);
    const changed = await fitTaskManagers(deps, cluster, 'shrink', lowest);
    if (!changed) return;
    Context.current().log.info(
      `session cluster ${cluster.namespace}/${cluster.name}: ${changed.from} → ${changed.to} TaskManagers, the ` +
        'idle ones no job needs',
    );
    // A job that asked its slots after this read them and found the count high enough (no write of its own)
    // would now wait for slots: its demand is read again, and the count raised back for it.
    await growTaskManagers(deps, cluster);
  } catch (err) {
    Context.current().log.warn(`could not remove the idle TaskManagers of session cluster ${cluster.name}`, {
      error: String(err),
    });
  }
}

/**
 * The TaskManager Deployment to apply for `spec`: a cluster with TaskManagers on demand keeps the count its jobs
 * grew it to. An apply over a running cluster (its generation's objects applied again) must not take TaskManagers
 * that hold its jobs' tasks away: the forced apply would set the rendered least count back.
 */
export async function keepGrownTaskManagers(
  deps: ActivityDeps,
  spec: AppSpec,
  rendered: V1Deployment,
): Promise<V1Deployment> {
  if (!spec.sessionCluster || !spec.taskManager.onDemand || !rendered.spec) return rendered;
  const name = rendered.metadata?.name ?? objectNames(spec.name).taskManager;
  const status = await deps.kube.readDeploymentStatus({ namespace: spec.namespace, name });
  const least = rendered.spec.replicas ?? 1;
  if (!status.found || status.desiredReplicas <= least) return rendered;
  return { ...rendered, spec: { ...rendered.spec, replicas: status.desiredReplicas } };
}
