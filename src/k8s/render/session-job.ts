/**
 * The one object of a session job (AppSpec.sessionJob): its `<job>-rest` Service, selecting its
 * session cluster's JobManager. Every Flink call made for the job by its own name (savepoints,
 * cancel, checkpoints, the stability wait, the observer) reaches the cluster it runs on; people get
 * a URL of the Flink UI per job. Owned by the job's record, labelled as the job's objects.
 */
import type { V1Service } from '@kubernetes/client-node';
import { specHash, type AppSpec } from '../../spec';
import { AnnotationKey, selectorLabels, type OwnerRef } from './labels';
import { Component, objectNames } from './names';
import { renderService } from './objects';

/** Renders `<job>-rest` for generation `generation` of a session job. Throws for any other spec. */
export function renderSessionJobService(input: { spec: AppSpec; generation: number; owner?: OwnerRef }): V1Service {
  const { spec } = input;
  const cluster = spec.sessionJob?.deploymentName;
  if (cluster === undefined) throw new Error(`${spec.namespace}/${spec.name} is not a session job`);
  const service = renderService({
    meta: {
      spec,
      name: objectNames(spec.name).restService,
      component: 'rest',
      annotations: { [AnnotationKey.SpecHash]: specHash(spec), [AnnotationKey.Generation]: String(input.generation) },
      ...(input.owner ? { owner: input.owner } : {}),
    },
    kind: 'rest',
  });
  return { ...service, spec: { ...service.spec, selector: selectorLabels(cluster, Component.JobManager) } };
}
