/**
 * The pod template of a Flink Deployment: our pod (main container `flink-main-container`,
 * the config volume) merged into the user's pod template the way the Apache operator does:
 * lists merge by name, our values win for the fields we own.
 */
import type { V1Container, V1PodTemplateSpec } from '@kubernetes/client-node';
import { formatCpu, mainContainerName, mergePodTemplates, type ComponentSpec, type AppSpec } from '../../spec';
import { flinkServiceAccount } from './high-availability';
import { flinkConfDir } from './names';

/** Input of `renderPodTemplate`. */
export interface PodTemplateInput {
  spec: AppSpec;
  component: ComponentSpec;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  configMapName: string;
  /** Our main container, without image, resources and mounts (added here). */
  container: V1Container;
}

const configVolumeName = 'flink-config';

/** Container resources from the normalised spec. */
export function containerResources(component: ComponentSpec): NonNullable<V1Container['resources']> {
  const { cpu, memoryMiB, cpuLimit, ephemeralStorage } = component.resources;
  const memory = `${memoryMiB}Mi`;
  const storage: Record<string, string> =
    ephemeralStorage !== undefined ? { 'ephemeral-storage': ephemeralStorage } : {};
  const requests: Record<string, string> = { cpu: formatCpu(cpu), memory, ...storage };
  const limits: Record<string, string> = {
    ...(cpuLimit !== undefined ? { cpu: formatCpu(cpuLimit) } : {}),
    memory,
    ...storage,
  };
  return { requests, limits };
}

/** The merged pod template. */
export function renderPodTemplate(input: PodTemplateInput): V1PodTemplateSpec {
  const { spec, component } = input;
  const serviceAccount = flinkServiceAccount(spec);
  const ours: Record<string, unknown> = {
    metadata: { labels: input.labels, annotations: input.annotations },
    spec: {
      ...(serviceAccount !== undefined ? { serviceAccountName: serviceAccount } : {}),
      containers: [
        {
          ...input.container,
          name: mainContainerName,
          image: spec.image,
          imagePullPolicy: spec.imagePullPolicy,
          resources: containerResources(component),
          volumeMounts: [{ name: configVolumeName, mountPath: flinkConfDir }],
        },
      ],
      volumes: [{ name: configVolumeName, configMap: { name: input.configMapName } }],
    },
  };
  const user = component.podTemplate ? { metadata: {}, ...component.podTemplate } : undefined;
  const { apiVersion: _apiVersion, kind: _kind, ...merged } = mergePodTemplates(user, ours) ?? ours;
  // A deep copy: the result shares nothing with the spec (callers may mutate it).
  return JSON.parse(JSON.stringify(merged)) as V1PodTemplateSpec;
}
