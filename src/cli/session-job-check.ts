/** Before `apply` starts a session job: its session cluster must exist, be one, and run (else exit 2). */
import type { Settings } from '../config/settings';
import { sessionClusterProblem } from '../contract/session-jobs';
import type { AppSpec } from '../spec/types';
import { readDeployedRecord } from './deployed-state';
import { CliError, CliErrorCode } from './errors';

export async function refuseUnfitSessionCluster(settings: Settings, spec: AppSpec): Promise<void> {
  if (!spec.sessionJob) return;
  const cluster = { namespace: spec.namespace, name: spec.sessionJob.deploymentName };
  const problem = sessionClusterProblem(spec, cluster, await readDeployedRecord(settings, cluster));
  if (!problem) return;
  throw new CliError({
    code: CliErrorCode.InvalidSpec,
    message: `FlinkSessionJob ${spec.namespace}/${spec.name}: ${problem}`,
    hint: 'Nothing was started.',
  });
}

/**
 * Before a rollout starts: each session job's cluster, the rollout's own spec of it when the rollout applies it
 * (it runs once its apply succeeded: the rollout starts the job after it), else its record, can run the job.
 * Else exit 2 naming every job and why; nothing started.
 */
export async function refuseUnfitSessionClusters(settings: Settings, specs: readonly AppSpec[]): Promise<void> {
  const problems: string[] = [];
  for (const spec of specs) {
    if (!spec.sessionJob) continue;
    const cluster = { namespace: spec.namespace, name: spec.sessionJob.deploymentName };
    const inRollout = specs.find((s) => s.namespace === cluster.namespace && s.name === cluster.name);
    const record = inRollout
      ? { status: inRollout.job.state === 'suspended' ? 'suspended' : 'running', lastAppliedSpec: inRollout }
      : await readDeployedRecord(settings, cluster);
    const problem = sessionClusterProblem(spec, cluster, record);
    if (problem) problems.push(`FlinkSessionJob ${spec.namespace}/${spec.name}: ${problem}`);
  }
  if (problems.length === 0) return;
  throw new CliError({
    code: CliErrorCode.InvalidSpec,
    message: problems.join('\n'),
    hint: 'Nothing was started.',
  });
}
