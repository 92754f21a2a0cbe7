/** The Kubernetes objects of one application (docs/architecture.md, "What runs on Kubernetes"). */
import type { V1ConfigMap, V1Container, V1Deployment, V1ObjectMeta, V1Service } from '@kubernetes/client-node';
import { canonicalJson, sha256Hex, type AppSpec } from '../../spec';
import { AnnotationKey, objectLabels, ownerReferences, selectorLabels, type OwnerRef } from './labels';
import { Component, FlinkPort, objectNames } from './names';
import { renderPodTemplate } from './pod-template';

/** What every object's metadata needs. */
export interface MetaInput {
  spec: AppSpec;
  name: string;
  component: string;
  annotations: Record<string, string>;
  owner?: OwnerRef;
}

/** Object metadata: name, namespace, labels, annotations (user's, then ours), owner. */
export function objectMeta(input: MetaInput): V1ObjectMeta {
  return {
    name: input.name,
    namespace: input.spec.namespace,
    labels: objectLabels({ app: input.spec.name, component: input.component, userLabels: input.spec.labels }),
    annotations: { ...input.spec.annotations, ...input.annotations },
    ...ownerReferences(input.owner),
  };
}

/** The ConfigMap `<app>-config`. */
export function renderConfigMap(input: { meta: MetaInput; files: Record<string, string> }): V1ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: objectMeta(input.meta), data: input.files };
}

/** Input of `renderFlinkDeployment`. */
export interface FlinkDeploymentInput {
  meta: MetaInput;
  component: typeof Component.JobManager | typeof Component.TaskManager;
  container: V1Container;
  /** Hash of the configuration files, on the pod template. */
  configHash: string;
  podAnnotations?: Record<string, string>;
}

/** A JobManager or TaskManager Deployment. */
export function renderFlinkDeployment(input: FlinkDeploymentInput): V1Deployment {
  const { spec } = input.meta;
  const names = objectNames(spec.name);
  const jobManager = input.component === Component.JobManager;
  const componentSpec = jobManager ? spec.jobManager : spec.taskManager;
  const selector = selectorLabels(spec.name, input.component);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: objectMeta(input.meta),
    spec: {
      replicas: jobManager ? 1 : componentSpec.replicas,
      strategy: jobManager
        ? { type: 'Recreate' }
        : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '100%', maxSurge: 0 } },
      selector: { matchLabels: selector },
      template: renderPodTemplate({
        spec,
        component: componentSpec,
        labels: objectLabels({ app: spec.name, component: input.component, userLabels: spec.labels }),
        annotations: { [AnnotationKey.ConfigHash]: input.configHash, ...input.podAnnotations },
        configMapName: names.configMap,
        container: input.container,
      }),
    },
  };
}

/** The Service `<app>` (RPC and blob, for TaskManagers) or `<app>-rest` (REST API). */
export function renderService(input: { meta: MetaInput; kind: 'rpc' | 'rest' }): V1Service {
  const ports =
    input.kind === 'rpc'
      ? [
          { name: 'rpc', port: FlinkPort.Rpc, targetPort: FlinkPort.Rpc, protocol: 'TCP' },
          { name: 'blob', port: FlinkPort.Blob, targetPort: FlinkPort.Blob, protocol: 'TCP' },
        ]
      : [{ name: 'rest', port: FlinkPort.Rest, targetPort: FlinkPort.Rest, protocol: 'TCP' }];
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(input.meta),
    spec: { type: 'ClusterIP', selector: selectorLabels(input.meta.spec.name, Component.JobManager), ports },
  };
}

/** A short hash of a string map (for the config-hash annotation). */
export function hashOf(value: unknown): string {
  return sha256Hex(canonicalJson(value)).slice(0, 16);
}
