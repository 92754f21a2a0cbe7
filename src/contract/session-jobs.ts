/**
 * What makes a session job's cluster (spec.deploymentName) one it can run on: a session cluster's
 * record, running. Asked by the CLI before it starts anything and by the worker before it stages the
 * job's jar. Pure.
 */
import type { AppSpec } from '../spec/types';
import type { AppRef } from './app';

/** What a record says of the named cluster (undefined: no record). */
export interface ClusterRecordView {
  status: string;
  lastAppliedSpec?: AppSpec | null;
}

/** Why `cluster` cannot run session job `job`, in words ending with what to do; undefined when it can. */
export function sessionClusterProblem(job: AppRef, cluster: AppRef, record: ClusterRecordView | undefined) {
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
  return undefined;
}
