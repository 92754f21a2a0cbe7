/**
 * The activities of flink-deploy, built from their dependencies (the clients, built once by
 * the worker, and its settings): `createActivities(deps)`. Each takes one typed input; see ./types.ts.
 */
import type { ActivityDeps } from './deps';
import { deleteActivities } from './delete';
import { deploymentActivities } from './deployment';
import { disposalActivities } from './dispose';
import { generationActivities } from './generation';
import { generationStepActivities } from './generation-steps';
import { haMetadataActivities } from './ha-metadata';
import { jobActivities } from './job';
import { jobStateActivities } from './job-state';
import { preflightActivities } from './preflight';
import { recordActivities } from './record';
import { rescaleActivities } from './rescale';
import type { RescaleActivities } from './rescale-types';
import { savepointActivities } from './savepoint';
import { savepointCheckActivities } from './savepoint-check';
import { sessionJobActivities } from './session-job';
import { stabilityActivities } from './stability';
import type { FlinkDeployActivities } from './types';

export { activityConfigOf, type ActivityDeps, type ActivityConfig } from './deps';

export function createActivities(deps: ActivityDeps): FlinkDeployActivities & RescaleActivities {
  return {
    ...recordActivities(deps),
    ...savepointActivities(deps),
    ...savepointCheckActivities(),
    ...disposalActivities(deps),
    ...jobActivities(deps),
    ...jobStateActivities(deps),
    ...deploymentActivities(deps),
    ...preflightActivities(deps),
    ...deleteActivities(deps),
    ...stabilityActivities(deps),
    ...haMetadataActivities(deps),
    ...rescaleActivities(deps),
    ...generationActivities(deps),
    ...generationStepActivities(deps),
    ...sessionJobActivities(deps),
  };
}
