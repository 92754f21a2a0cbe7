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
