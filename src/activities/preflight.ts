/**
 * preflightApplication: before the old job is stopped, ask the API server whether the new
 * version's objects would be accepted (a server-side dry run, strict field validation, of each
 * object exactly as `applyApplication` renders it) and whether its ServiceAccount exists; and, of a
 * running job whose parallelism goes up (or `pipeline.max-parallelism` changes), whether Flink could
 * restore its state under the new spec (./state-parallelism.ts). A refusal fails here, non-retryable,
 * with nothing torn down (issue 11 item 6).
 */
import { FailureType } from '../contract/failures';
import { flinkServiceAccount, renderApplication, renderSessionJobService } from '../k8s/render';
import { ownerReferenceOf } from '../k8s/state-record/owner-reference';
import type { AppSpec } from '../spec/types';
import type { ActivityDeps } from './deps';
import { fail } from './failures';
import { classifiedKeepingAlive } from './keep-alive';
import { refuseOverStateParallelism } from './state-parallelism';
import type { PreflightInput } from './types';

/** The job id rendered into the dry-run objects: only the job's arguments carry it. */
const dryRunJobId = '0'.repeat(32);

export function preflightActivities(deps: ActivityDeps) {
  return {
    async preflightApplication(input: PreflightInput): Promise<void> {
      const { spec } = input;
      const doing = `pre-flight of ${spec.namespace}/${spec.name} generation ${input.generation}`;
      await classifiedKeepingAlive(doing, async () => {
        // A session job has no pods of its own: only its Service to the cluster's JobManager.
        if (spec.sessionJob) {
          const owner = ownerReferenceOf(await deps.kube.records.readRecord(spec.namespace, spec.name));
          await deps.kube.dryRunApply([renderSessionJobService({ spec, generation: input.generation, owner })]);
          return;
        }
        // The pods' account: the spec's, else Flink's `flink` when HA is on (deploy/flink-rbac.yaml).
        const serviceAccount = flinkServiceAccount(spec);
        if (serviceAccount !== undefined) {
          const exists = await deps.kube.serviceAccountExists({ namespace: spec.namespace, name: serviceAccount });
          if (!exists) {
            const how =
              spec.serviceAccount === undefined
                ? `apply deploy/flink-rbac.yaml in ${spec.namespace} (Flink's account for JobManager HA) ` +
                  'or set spec.serviceAccount'
                : 'create it or change spec.serviceAccount';
            throw fail(
              FailureType.KubernetesRefused,
              `${doing}: ServiceAccount ${spec.namespace}/${serviceAccount} does not exist; ` +
                `${how} (nothing was changed)`,
            );
          }
        }
        const record = await deps.kube.records.readRecord<AppSpec>(spec.namespace, spec.name);
        const owner = ownerReferenceOf(record);
        await refuseOverStateParallelism({
          spec,
          record: record?.record,
          flink: () => deps.flinkFor({ namespace: spec.namespace, name: spec.name }),
          what: doing,
        });
        const objects = renderApplication({ spec, generation: input.generation, jobId: dryRunJobId, owner });
        await deps.kube.dryRunApply([
          objects.configMap,
          objects.rpcService,
          objects.restService,
          objects.jobManager,
          objects.taskManager,
          ...(objects.ingress ? [objects.ingress] : []),
        ]);
      });
    },
  };
}
