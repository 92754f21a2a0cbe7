/**
 * applyApplication and removeDeployments: the application's Kubernetes objects. Server-side
 * apply is idempotent; the JobManager Deployment's Recreate strategy guarantees the old
 * JobManager (and its job) is gone before the new one starts: never two jobs at once.
 */
import type { V1OwnerReference } from '@kubernetes/client-node';
import { ownerReferenceOf } from '../k8s/state-record/owner-reference';
import { hasErrorCode } from '../contract/errors';
import { KubeErrorCode } from '../k8s';
import {
  AnnotationKey,
  renderSessionJobService,
  Component,
  generationObjectNames,
  isBlueGreen,
  LabelKey,
  managedBy,
  objectNames,
  renderApplication,
  renderIngress,
} from '../k8s/render';
import type { AppSpec } from '../spec/types';
import type { AppRef } from '../contract/app';
import type { ActivityDeps } from './deps';
import { classified } from './failures';
import { classifiedKeepingAlive, keepingAlive } from './keep-alive';
import { awaitPodsGone } from './pods-gone';
import { activitySignal } from './poll';
import { keepGrownTaskManagers, shrinkTaskManagers } from './task-managers';
import type { ApplyApplicationInput } from './types';

/**
 * A stopped session job's slots: `0` on its `<job>-rest` Service (gone already: nothing to do), then the
 * cluster's idle TaskManagers removed when it has TaskManagers on demand and no job runs on it.
 */
async function releaseSlots(deps: ActivityDeps, job: AppRef, cluster: AppRef): Promise<void> {
  const service = { namespace: job.namespace, name: objectNames(job.name).restService };
  try {
    await deps.kube.annotateService({ ...service, annotations: { [AnnotationKey.Slots]: '0' } });
  } catch (err) {
    if (!hasErrorCode(err, KubeErrorCode.NotFound)) throw err;
  }
  await shrinkTaskManagers(deps, () => deps.flinkFor(cluster), cluster, activitySignal());
}

/** Label selector of the application's JobManager and TaskManager pods. */
export function appPodSelector(
  app: string,
  components: string[] = [Component.JobManager, Component.TaskManager],
): string {
  return (
    `${LabelKey.Instance}=${app},${LabelKey.ManagedBy}=${managedBy},${LabelKey.Component} in ` +
    `(${components.join(',')})`
  );
}

/**
 * A blue-green application's Deployments are its generations' (`<app>-g<N>-*`): those of the
 * record's generation and its neighbours (a crashed upgrade's new one, a rollback's old one).
 */
async function generationDeployments(deps: ActivityDeps, app: AppRef): Promise<string[]> {
  const record = await deps.kube.records.readRecord<AppSpec>(app.namespace, app.name);
  const specs = [record?.record.lastAppliedSpec, record?.record.lastStableSpec];
  if (!record || !specs.some((spec) => isBlueGreen(spec ?? undefined))) return [];
  const generation = record.record.generation;
  return [generation - 1, generation, generation + 1]
    .filter((g) => g > 0)
    .flatMap((g) => {
      const names = generationObjectNames(app.name, g);
      return [names.jobManager, names.taskManager];
    });
}

/**
 * The Ingress of `spec.ingress`, applied; or, when the spec has none but the deployed spec (`previous`) had one,
 * deleted (gone already counts as deleted). An application that never had an ingress costs no call.
 */
async function reconcileIngress(
  deps: ActivityDeps,
  input: { spec: AppSpec; previous: AppSpec | undefined; owner: V1OwnerReference | undefined },
): Promise<'applied' | 'deleted' | 'none'> {
  const { spec } = input;
  const ingress = renderIngress({ spec, ...(input.owner ? { owner: input.owner } : {}) });
  if (ingress) {
    await deps.kube.apply([ingress]);
    return 'applied';
  }
  if (!input.previous?.ingress) return 'none';
  await deps.kube.delete({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    namespace: spec.namespace,
    name: objectNames(spec.name).ingress,
    propagationPolicy: 'Background',
  });
  return 'deleted';
}

export function deploymentActivities(deps: ActivityDeps) {
  return {
    /** Only `spec.ingress` changed: apply (or delete) the Ingress; nothing else is touched. */
    async applyIngress(input: { spec: AppSpec }): Promise<'applied' | 'deleted' | 'none'> {
      const { spec } = input;
      const doing = `applying the ingress of ${spec.namespace}/${spec.name}`;
      return classifiedKeepingAlive(doing, async () => {
        const record = await deps.kube.records.readRecord<AppSpec>(spec.namespace, spec.name);
        const owner = ownerReferenceOf(record);
        return reconcileIngress(deps, { spec, previous: record?.record.lastAppliedSpec ?? undefined, owner });
      });
    },

    async applyApplication(input: ApplyApplicationInput): Promise<void> {
      const { spec } = input;
      const doing = `applying ${spec.namespace}/${spec.name} generation ${input.generation}`;
      await classifiedKeepingAlive(doing, async () => {
        const record = await deps.kube.records.readRecord<AppSpec>(spec.namespace, spec.name);
        const owner = ownerReferenceOf(record);
        // A session job has one object: the Service to its cluster's JobManager (the job goes through REST).
        if (spec.sessionJob) {
          await deps.kube.apply([renderSessionJobService({ spec, generation: input.generation, owner })]);
          return;
        }
        const objects = renderApplication({
          spec,
          generation: input.generation,
          jobId: input.jobId,
          restore: input.restore,
          owner,
        });
        await deps.kube.apply([
          objects.configMap,
          objects.rpcService,
          objects.restService,
          objects.jobManager,
          await keepGrownTaskManagers(deps, spec, objects.taskManager),
        ]);
        await reconcileIngress(deps, { spec, previous: record?.record.lastAppliedSpec ?? undefined, owner });
      });
    },

    /** Delete the JobManager and TaskManager Deployments and wait until their pods are gone. */
    async removeDeployments(input: { app: AppRef }): Promise<void> {
      const { namespace, name } = input.app;
      await classified(`removing the deployments of ${namespace}/${name}`, async () => {
        const names = objectNames(name);
        await keepingAlive(`deleting the deployments of ${namespace}/${name}`, async () => {
          for (const deployment of [
            names.jobManager,
            names.taskManager,
            ...(await generationDeployments(deps, input.app)),
          ]) {
            await deps.kube.delete({
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              namespace,
              name: deployment,
              propagationPolicy: 'Background',
            });
          }
        });
        await awaitPodsGone(deps, {
          namespace,
          labelSelector: appPodSelector(name),
          what: `${namespace}/${name}`,
          doing: 'removing its deployments; ',
        });
        // A session job stopped (suspend, delete): its slots are no longer asked of its cluster.
        const cluster = (await deps.kube.records.readRecord<AppSpec>(namespace, name))?.record.lastAppliedSpec
          ?.sessionJob?.deploymentName;
        if (cluster !== undefined) await releaseSlots(deps, input.app, { namespace, name: cluster });
      });
    },
  };
}
