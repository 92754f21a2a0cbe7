/**
 * Blue/green generations (`spec.flinkDeploy.upgrade.strategy: blue-green`, docs/workflows.md):
 * each deploy generation is a cluster of its own, `<app>-g<N>-*`, labelled with its generation,
 * started as a session cluster of this application (JobManager entry point `jobmanager`) so it
 * can become ready while the previous generation's job still runs; the job is then submitted
 * through Flink's REST jar run. The jar comes from the image: a small container of the
 * JobManager pod copies it into Flink's web upload folder (`web.upload.dir`). The Service
 * `<app>-rest` selects the live generation's JobManager. Pure and deterministic.
 */
import type { V1Container, V1Deployment, V1Service } from '@kubernetes/client-node';
import { specHash, UpgradeStrategy, type AppSpec } from '../../spec';
import { blueGreenJarId } from '../../spec/blue-green';
import { configFileName, effectiveFlinkConfiguration, renderConfigFile } from './flink-config-file';
import { AnnotationKey, LabelKey, type OwnerRef } from './labels';
import { Component, objectNames } from './names';
import { hashOf, renderService } from './objects';
import { asSessionJobManager, sessionJobManagerConfig, webUploadFolder, webUploadMount } from './web-upload';

export { webUploadFolder, webUploadRoot } from './web-upload';
/** The JobManager pod's container that copies the job's jar for the REST jar run. */
export const jarCopyContainerName = 'job-jar';

/** True when `spec` upgrades by blue/green generations. */
export function isBlueGreen(spec: Pick<AppSpec, 'upgradeStrategy'> | undefined): boolean {
  return spec?.upgradeStrategy === UpgradeStrategy.BlueGreen;
}

/** The name prefix of generation `generation`'s objects: `<app>-g<N>` (also its RPC Service and HA cluster id). */
export function generationPrefix(app: string, generation: number): string {
  return `${app}-g${generation}`;
}

/** The object names of one generation (same roles as `objectNames`). */
export function generationObjectNames(app: string, generation: number): ReturnType<typeof objectNames> {
  return objectNames(generationPrefix(app, generation));
}

/** The jar id of the job in Flink's web upload folder (src/spec/blue-green.ts). */
export function generationJarId(spec: Pick<AppSpec, 'job'>): string {
  return blueGreenJarId(spec.job.jarURI);
}

/** The objects `renderApplication` makes, as one generation renders them. */
export interface GenerationObjects {
  configMap: { metadata?: { name?: string; labels?: Record<string, string> }; data?: Record<string, string> };
  jobManager: V1Deployment;
  taskManager: V1Deployment;
  rpcService: V1Service;
  restService: V1Service;
}

/**
 * `renderApplication`'s objects (recreate naming, standalone-job JobManager) turned into
 * generation `generation`'s session cluster: names, labels, selectors, the config file (RPC
 * address and web upload folder of the generation), the JobManager's `jobmanager` entry point
 * and the jar copy.
 */
export function asGeneration<T extends GenerationObjects>(objects: T, spec: AppSpec, generation: number): T {
  const names = generationObjectNames(spec.name, generation);
  const label = { [LabelKey.Generation]: String(generation) };
  const config = {
    ...effectiveFlinkConfiguration(spec, generation),
    'jobmanager.rpc.address': names.rpcService,
    ...sessionJobManagerConfig,
  };
  const sorted = Object.fromEntries(Object.entries(config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const files = { ...objects.configMap.data, [configFileName(spec)]: renderConfigFile(spec, sorted) };
  const configMap = {
    ...objects.configMap,
    metadata: { ...objects.configMap.metadata, name: names.configMap, labels: withLabel(objects.configMap, label) },
    data: files,
  };
  const deployment = (d: V1Deployment, name: string, jobManager: boolean): V1Deployment => {
    const copy = JSON.parse(JSON.stringify(d)) as V1Deployment;
    copy.metadata = { ...copy.metadata, name, labels: { ...copy.metadata?.labels, ...label } };
    const spec0 = copy.spec!;
    spec0.selector = { matchLabels: { ...spec0.selector.matchLabels, ...label } };
    const template = spec0.template;
    template.metadata = {
      ...template.metadata,
      labels: { ...template.metadata?.labels, ...label },
      annotations: { ...template.metadata?.annotations, [AnnotationKey.ConfigHash]: hashOf(files) },
    };
    const pod = template.spec!;
    pod.volumes = (pod.volumes ?? []).map((v) =>
      v.configMap?.name === objectNames(spec.name).configMap
        ? { ...v, configMap: { ...v.configMap, name: names.configMap } }
        : v,
    );
    if (jobManager) {
      asSessionJobManager(pod);
      pod.containers.push(jarCopyContainer(spec));
    }
    return copy;
  };
  const service = (s: V1Service, name: string): V1Service => ({
    ...s,
    metadata: { ...s.metadata, name, labels: { ...s.metadata?.labels, ...label } },
    spec: { ...s.spec, selector: { ...s.spec?.selector, ...label } },
  });
  return {
    ...objects,
    configMap,
    jobManager: deployment(objects.jobManager, names.jobManager, true),
    taskManager: deployment(objects.taskManager, names.taskManager, false),
    rpcService: service(objects.rpcService, names.rpcService),
    restService: service(objects.restService, names.restService),
  };
}

function withLabel(object: GenerationObjects['configMap'], label: Record<string, string>): Record<string, string> {
  return { ...object.metadata?.labels, ...label };
}

/**
 * Copies the job's jar from the image into the web upload folder (written under a temporary
 * name, then renamed, so `GET /jars` never lists half a jar), then stays (a pod's containers
 * all run while it lives).
 */
function jarCopyContainer(spec: AppSpec): V1Container {
  const jar = spec.job.jarURI.slice('local://'.length);
  const target = `${webUploadFolder}/${generationJarId(spec)}`;
  return {
    name: jarCopyContainerName,
    image: spec.image,
    imagePullPolicy: spec.imagePullPolicy,
    command: [
      '/bin/sh',
      '-c',
      `mkdir -p ${webUploadFolder} && cp ${jar} ${target}.part && mv ${target}.part ${target} && exec sleep 2147483647`,
    ],
    resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
    volumeMounts: [webUploadMount],
  };
}

/** The Service `<app>-rest` pointed at generation `generation`'s JobManager: the live generation. */
export function renderLiveRestService(input: { spec: AppSpec; generation: number; owner?: OwnerRef }): V1Service {
  const { spec, generation } = input;
  const service = renderService({
    meta: {
      spec,
      name: objectNames(spec.name).restService,
      component: 'rest',
      annotations: { [AnnotationKey.SpecHash]: specHash(spec), [AnnotationKey.Generation]: String(generation) },
      ...(input.owner ? { owner: input.owner } : {}),
    },
    kind: 'rest',
  });
  const label = { [LabelKey.Generation]: String(generation) };
  return {
    ...service,
    metadata: { ...service.metadata, labels: { ...service.metadata?.labels, ...label } },
    spec: { ...service.spec, selector: { ...service.spec?.selector, ...label } },
  };
}

/**
 * The label selector of generation `generation`'s pods; `undefined` generation: the pods of a
 * recreate application (no generation label); `any`: the pods of every blue/green generation.
 */
export function generationPodSelector(app: string, generation: number | undefined | 'any'): string {
  const base =
    `${LabelKey.Instance}=${app},${LabelKey.ManagedBy}=flink-deploy,${LabelKey.Component} in ` +
    `(${Component.JobManager},${Component.TaskManager})`;
  if (generation === 'any') return `${base},${LabelKey.Generation}`;
  return generation === undefined ? `${base},!${LabelKey.Generation}` : `${base},${LabelKey.Generation}=${generation}`;
}
