/**
 * preflightApplication: before the old job is stopped, ask the API server whether the new
 * version's objects would be accepted (a server-side dry run, strict field validation, of each
 * object exactly as `applyApplication` renders it) and whether its ServiceAccount exists; and, of a
 * running job whose parallelism goes up, whether Flink could restore its state at the new one
 * (./state-parallelism.ts). A refusal fails here, non-retryable, with nothing torn down (issue 11 item 6).
 */
import { Context } from '@temporalio/activity';
import { FailureType } from '../contract/failures';
import { flinkServiceAccount, renderApplication, renderSessionJobService } from '../k8s/render';
import { recordOwnerReference } from '../k8s/state-record/owner-reference';
import type { AppSpec } from '../spec/types';
import type { VersionedRecord } from '../k8s/state-record/types';
import type { ActivityDeps } from './deps';
import { classified, fail } from './failures';
import { holdsStateParallelism, stateParallelismProblem, statefulVertices } from './state-parallelism';
import { activitySignal } from './poll';
import type { PreflightInput } from './types';

/** The job id rendered into the dry-run objects: only the job's arguments carry it. */
const dryRunJobId = '0'.repeat(32);

export function preflightActivities(deps: ActivityDeps) {
  return {
    async preflightApplication(input: PreflightInput): Promise<void> {
      const { spec } = input;
      const what = `pre-flight of ${spec.namespace}/${spec.name} generation ${input.generation}`;
      await classified(what, async () => {
        // A session job has no pods of its own: only its Service to the cluster's JobManager.
        if (spec.sessionJob) {
          const record = await deps.kube.records.readRecord(spec.namespace, spec.name);
          const owner = record ? recordOwnerReference({ app: spec.name, uid: record.uid }) : undefined;
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
              `${what}: ServiceAccount ${spec.namespace}/${serviceAccount} does not exist; ` +
                `${how} (nothing was changed)`,
            );
          }
        }
        const record = await deps.kube.records.readRecord<AppSpec>(spec.namespace, spec.name);
        const owner = record ? recordOwnerReference({ app: spec.name, uid: record.uid }) : undefined;
        await checkStateParallelism(deps, spec, record, what);
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

/** Each of the check's reads of Flink: the two rounds stay well inside the activity's heartbeat timeout (20 s). */
const stateReadTimeoutMs = 5_000;

/**
 * Refuses (InvalidSpec) a parallelism the running job's state cannot be restored at. A check it cannot make (no
 * completed checkpoint or savepoint, Flink not answering within its bound) lets the upgrade go on, as it went
 * before the check.
 */
async function checkStateParallelism(
  deps: ActivityDeps,
  spec: AppSpec,
  record: VersionedRecord<AppSpec> | undefined,
  what: string,
): Promise<void> {
  const deployed = record?.record.lastAppliedSpec;
  const jobId = record?.record.jobId;
  if (record?.record.status !== 'running' || !deployed || !jobId || !holdsStateParallelism(deployed, spec)) return;
  const state = await deps
    .flinkFor({ namespace: spec.namespace, name: spec.name })
    .then((flink) => statefulVertices(flink, jobId, { signal: activitySignal(), timeoutMs: stateReadTimeoutMs }))
    .catch((err: unknown) => {
      Context.current().log.warn(`${what}: the state's max parallelism not checked: ${String(err)}`);
      return undefined;
    });
  const problem = state && stateParallelismProblem(deployed, spec, state);
  if (problem) throw fail(FailureType.InvalidSpec, `${what}: ${problem}`);
}
