/**
 * What makes a session job's cluster (spec.deploymentName) one it can run on: a session cluster's
 * record, running. Asked by the CLI before it starts anything and by the worker before it stages the
 * job's jar. Pure.
 */
import { isAdaptiveScheduler } from '../spec/scheduler';
import type { AppSpec } from '../spec/types';
import type { AppRef } from './app';

/** What a record says of the named cluster (undefined: no record). */
export interface ClusterRecordView {
  status: string;
  lastAppliedSpec?: AppSpec | null;
}

/** Why `cluster` cannot run session job `job`, in words ending with what to do; undefined when it can. */
export function sessionClusterProblem(
  job: Pick<AppSpec, 'name' | 'job' | 'flinkConfiguration'>,
  cluster: AppRef,
  record: ClusterRecordView | undefined,
) {
  const where = `session cluster ${cluster.namespace}/${cluster.name} (spec.deploymentName of ${job.name})`;
  const deployed = record?.lastAppliedSpec ?? undefined;
  if (!record || !deployed) return `${where} does not exist: apply the session cluster first`;
  if (deployed.sessionJob) return `${where} is a FlinkSessionJob, not a session cluster: name a session cluster`;
  if (deployed.sessionCluster !== true)
    return (
      `${where} is an application (a FlinkDeployment with spec.job), not a session cluster: name a ` +
      'FlinkDeployment without spec.job'
    );
  if (record.status !== 'running')
    return (
      `${where} is ${record.status}, not running: resume it ` +
      `(flink-deploy resume ${cluster.name} -n ${cluster.namespace})`
    );
  return slotsProblem(job, cluster, deployed);
}

/** Flink's bound on a cluster's slots (`slotmanager.number-of-slots.max`): TaskManagers on demand stop there. */
export const maxSlotsKey = 'slotmanager.number-of-slots.max';

/**
 * Why the cluster's slots cannot take the job, in words ending with what to do; undefined when they can (or
 * when its scheduler is adaptive: the job then runs with the slots there are). The job needs `parallelism`
 * slots (one slot sharing group) of the cluster's slots less `usedByOthers` (the slots its other jobs hold or ask;
 * unknown: none). Its slots: TaskManagers × slots each; with TaskManagers on demand, as many as
 * `slotmanager.number-of-slots.max` allows (unset: no bound).
 */
export function slotsProblem(
  job: Pick<AppSpec, 'name' | 'job' | 'flinkConfiguration'>,
  cluster: AppRef,
  deployed: Pick<AppSpec, 'taskManager' | 'slotsPerTaskManager' | 'flinkConfiguration'>,
  usedByOthers = 0,
): string | undefined {
  if (isAdaptiveScheduler(deployed.flinkConfiguration) || isAdaptiveScheduler(job.flinkConfiguration)) return undefined;
  const needed = job.job.parallelism;
  const others = usedByOthers > 0 ? ` less ${usedByOthers} its other jobs hold or ask` : '';
  const where = `session cluster ${cluster.namespace}/${cluster.name}`;
  if (deployed.taskManager.onDemand) {
    const bound = onDemandSlotBound(deployed);
    if (bound === undefined) return undefined;
    const free = Math.max(0, bound - usedByOthers);
    if (needed <= free) return undefined;
    return (
      `${job.name} needs ${needed} slot(s) (spec.job.parallelism) and ${where} starts TaskManagers on demand ` +
      `up to ${bound} slot(s) (${maxSlotsKey})${others}: ${free} free; raise ${maxSlotsKey} or lower ` +
      'spec.job.parallelism'
    );
  }
  const capacity = deployed.taskManager.replicas * deployed.slotsPerTaskManager;
  const free = Math.max(0, capacity - usedByOthers);
  if (needed <= free) return undefined;
  return (
    `${job.name} needs ${needed} slot(s) (spec.job.parallelism) and ${where} has ${free} free: ` +
    `${deployed.taskManager.replicas} TaskManager(s) × ${deployed.slotsPerTaskManager} slot(s)${others}; raise ` +
    "the cluster's taskManager.replicas or taskmanager.numberOfTaskSlots, or lower spec.job.parallelism (its " +
    'TaskManagers are a fixed number: a session cluster without taskManager.replicas starts them on demand)'
  );
}

/** The most slots a cluster with TaskManagers on demand runs (`slotmanager.number-of-slots.max`); none: undefined. */
export function onDemandSlotBound(deployed: Pick<AppSpec, 'flinkConfiguration'>): number | undefined {
  const bound = Number(deployed.flinkConfiguration[maxSlotsKey]);
  return Number.isSafeInteger(bound) && bound > 0 ? bound : undefined;
}
