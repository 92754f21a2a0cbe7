/**
 * The activities of flink-deploy, built from their dependencies (the clients, built once by
 * the worker): `createActivities(deps)`. Each takes one typed input; see ./types.ts.
 */
import { defaultActivityConfig, type ActivityDeps, type ResolvedDeps } from './deps';
import { deploymentActivities } from './deployment';
import { haMetadataActivities } from './ha-metadata';
import { jobActivities } from './job';
import { recordActivities } from './record';
import { savepointActivities } from './savepoint';
import { stabilityActivities } from './stability';
import type { FlinkDeployActivities } from './types';

export { defaultActivityConfig, type ActivityDeps, type ActivityConfig } from './deps';

export function createActivities(deps: ActivityDeps): FlinkDeployActivities {
  const full: ResolvedDeps = { ...deps, config: { ...defaultActivityConfig, ...deps.config } };
  return {
    ...recordActivities(full),
    ...savepointActivities(full),
    ...jobActivities(full),
    ...deploymentActivities(full),
    ...stabilityActivities(full),
    ...haMetadataActivities(full),
  };
}
