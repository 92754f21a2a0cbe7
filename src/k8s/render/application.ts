/**
 * `renderApplication`: an AppSpec and one deploy generation → the five Kubernetes objects of
 * docs/architecture.md, "What runs on Kubernetes". Pure and deterministic: the same input gives the same objects.
 * A session cluster (AppSpec.sessionCluster) gets the same objects, its JobManager started with Flink's
 * `jobmanager` entry point and a web upload folder (./web-upload.ts), and no job id.
 */
import type { V1ConfigMap, V1Deployment, V1Ingress, V1Service } from '@kubernetes/client-node';
import { specHash, type AppSpec } from '../../spec';
import { configFileName, effectiveFlinkConfiguration, renderConfigFile } from './flink-config-file';
import { asGeneration, isBlueGreen } from './generation';
import { jobManagerArgs, type RestoreInput } from './jobmanager-args';
import { AnnotationKey, type OwnerRef } from './labels';
import { defaultLog4jConsoleProperties } from './log4j';
import { Component, FlinkPort, objectNames } from './names';
import { renderIngress } from './ingress';
import { hashOf, renderConfigMap, renderFlinkDeployment, renderService, type MetaInput } from './objects';
import { asSessionJobManager, sessionJobManagerConfig } from './web-upload';

/** Input of `renderApplication`. */
export interface RenderInput {
  spec: AppSpec;
  /** Deploy generation (1, 2, …), recorded in the `flink-deploy.io/generation` annotation. */
  generation: number;
  /** The Flink job id of this generation: 32 hex digits (see `generateJobId`); a session cluster has none. */
  jobId?: string;
  /** Start the job from this savepoint/checkpoint. */
  restore?: RestoreInput;
  /** Owner of every object (the deployed-state record), so deleting it cleans up. */
  owner?: OwnerRef;
}

/** The rendered objects. */
export interface RenderedApplication {
  configMap: V1ConfigMap;
  jobManager: V1Deployment;
  taskManager: V1Deployment;
  rpcService: V1Service;
  restService: V1Service;
  /** Only when the spec has `ingress`. */
  ingress?: V1Ingress;
}

/** Thrown for a malformed job id (a programming error, not a user error). */
export class RenderInputError extends Error {
  readonly code = 'RenderInputError';
}

/** Renders the application's objects for one deploy generation. */
export function renderApplication(input: RenderInput): RenderedApplication {
  const { spec, generation, jobId } = input;
  const session = spec.sessionCluster === true;
  if (session ? jobId !== undefined : !/^[0-9a-f]{32}$/.test(jobId ?? ''))
    throw new RenderInputError(
      session
        ? `a session cluster runs no job of its own, got job id "${jobId}"`
        : `job id must be 32 lower-case hex digits, got "${jobId}"`,
    );
  if (!Number.isInteger(generation) || generation < 0)
    throw new RenderInputError(`generation must be a non-negative integer, got ${generation}`);
  const names = objectNames(spec.name);
  const jobAnnotation: Record<string, string> = jobId !== undefined ? { [AnnotationKey.JobId]: jobId } : {};
  const annotations = {
    [AnnotationKey.SpecHash]: specHash(spec),
    [AnnotationKey.Generation]: String(generation),
    ...jobAnnotation,
  };
  const meta = (name: string, component: string): MetaInput => ({
    spec,
    name,
    component,
    annotations,
    ...(input.owner ? { owner: input.owner } : {}),
  });

  const config: Record<string, string> = {
    ...effectiveFlinkConfiguration(spec, generation),
    ...(session ? sessionJobManagerConfig : {}),
  };
  const files = {
    [configFileName(spec)]: renderConfigFile(spec, config),
    'log4j-console.properties': spec.log4jConsoleProperties ?? defaultLog4jConsoleProperties,
  };
  // TaskManagers do not read parallelism.default: a rescale alone must not roll them.
  const { 'parallelism.default': _parallelism, ...taskManagerConfig } = config;

  const ingress = renderIngress({ spec, ...(input.owner ? { owner: input.owner } : {}) });
  const objects: RenderedApplication = {
    ...(ingress ? { ingress } : {}),
    configMap: renderConfigMap({ meta: meta(names.configMap, 'config'), files }),
    jobManager: renderFlinkDeployment({
      meta: meta(names.jobManager, Component.JobManager),
      component: Component.JobManager,
      configHash: hashOf(files),
      podAnnotations: { ...jobAnnotation, [AnnotationKey.Generation]: String(generation) },
      container: {
        name: 'flink-main-container',
        args:
          jobId !== undefined
            ? jobManagerArgs({ spec, jobId, ...(input.restore ? { restore: input.restore } : {}) })
            : ['jobmanager'],
        ports: [
          { name: 'rpc', containerPort: FlinkPort.Rpc, protocol: 'TCP' },
          { name: 'blob', containerPort: FlinkPort.Blob, protocol: 'TCP' },
          { name: 'rest', containerPort: FlinkPort.Rest, protocol: 'TCP' },
        ],
        readinessProbe: {
          tcpSocket: { port: FlinkPort.Rest },
          initialDelaySeconds: 5,
          periodSeconds: 5,
          failureThreshold: 3,
        },
      },
    }),
    taskManager: renderFlinkDeployment({
      meta: meta(names.taskManager, Component.TaskManager),
      component: Component.TaskManager,
      configHash: hashOf({ config: taskManagerConfig, log4j: files['log4j-console.properties'] }),
      // Every deploy generation gets fresh TaskManagers: a standalone application cluster
      // belongs to one job, and a TaskManager of the previous generation would stay registered
      // with (and keep dialling) the JobManager that is gone.
      podAnnotations: { [AnnotationKey.Generation]: String(generation) },
      container: { name: 'flink-main-container', args: ['taskmanager'] },
    }),
    rpcService: renderService({ meta: meta(names.rpcService, 'rpc'), kind: 'rpc' }),
    restService: renderService({ meta: meta(names.restService, 'rest'), kind: 'rest' }),
  };
  // A session cluster: jobs come through REST, their jars into the web upload folder.
  if (session) asSessionJobManager(objects.jobManager.spec!.template.spec!);
  // Blue/green: the generation's own session cluster (the job is submitted to it through REST).
  return isBlueGreen(spec) ? asGeneration(objects, spec, generation) : objects;
}
