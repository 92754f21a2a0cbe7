import type { KubeClients } from '../config/clients';
import { DeployStateStore } from '../state-record/store';
import { applyObject } from './apply';
import { deleteConfigMaps, type DeleteConfigMapsInput } from './config-map-collection';
import { deleteObject, waitForPodsGone } from './delete';
import { dryRunApply, serviceAccountExists } from './dry-run';
import { readDeploymentStatus } from './deployment-status';
import { readyEndpointAddresses, type ReadyEndpointAddressesInput } from './endpoints';
import { recordEvent } from './events';
import { annotatePod, annotateService, type AnnotateInput } from './annotations';
import { listAppPods, type AppPodsReport, type ListAppPodsInput } from './pods';
import { scaleDeployment, type ScaleDeploymentInput } from './scale';
import { listServices, type ListServicesInput } from './services';
import type { V1Service } from '@kubernetes/client-node';
import type {
  AppliedObject,
  ApplyableObject,
  DeleteObjectInput,
  DeleteResult,
  DeploymentStatusResult,
  EndpointAddress,
  RecordEventInput,
  RecordedEvent,
  WaitForPodsGoneInput,
  WaitForPodsGoneResult,
} from './types';

/**
 * The narrow Kubernetes facade the activities use. Every method makes a few API calls and
 * resolves when the API server has answered (not when the cluster has converged: poll the
 * read methods for that). Failures are `KubeApiError`s with a stable `code` and
 * `kind: 'transport' | 'domain'`; record failures are the record's own errors.
 */
export interface KubeFacade {
  /**
   * Server-side apply each object in order (field manager `flink-deploy`, forced). Resolves
   * once all are stored; the same objects applied again come back `unchanged`.
   */
  apply<T extends ApplyableObject>(objects: readonly T[]): Promise<AppliedObject[]>;
  /**
   * Server-side dry run (`dryRun=All`, strict field validation) of each object: resolves when the
   * API server would accept them all, nothing stored; rejects with the first refusal (422, 403...).
   */
  dryRunApply(objects: readonly ApplyableObject[]): Promise<void>;
  /** Whether a ServiceAccount exists (one GET; a 404 is `false`). */
  serviceAccountExists(input: { namespace: string; name: string }): Promise<boolean>;
  /** Delete one object; a 404 resolves `absent`. Resolves when the delete is accepted. */
  delete(input: DeleteObjectInput): Promise<DeleteResult>;
  /**
   * Delete the ConfigMaps matching a (non-empty) label selector, e.g. Flink's HA ConfigMaps of
   * one cluster id. Resolves when deleted; none matching is fine.
   */
  deleteConfigMaps(input: DeleteConfigMapsInput): Promise<void>;
  /** Poll until no pod matches the selector, or the timeout passes (then `gone: false`). */
  waitForPodsGone(input: WaitForPodsGoneInput): Promise<WaitForPodsGoneResult>;
  /** One read of a Deployment's rollout status. */
  readDeploymentStatus(input: { namespace: string; name: string }): Promise<DeploymentStatusResult>;
  /** Set a Deployment's replicas, unless it changed since `resourceVersion` (then K8S_CONFLICT). */
  scaleDeployment(input: ScaleDeploymentInput): Promise<void>;
  /** The pods matching a selector, why each is not ready, and recent Events about them. */
  listAppPods(input: ListAppPodsInput): Promise<AppPodsReport>;
  /** Merge annotations into a Pod's (merge patch; idempotent; a missing Pod rejects K8S_NOT_FOUND). */
  annotatePod(input: AnnotateInput): Promise<void>;
  /** Write an Event about one of our objects. Not idempotent (a retry records another). */
  recordEvent(input: RecordEventInput): Promise<RecordedEvent>;
  /**
   * Ready addresses of a Service (EndpointSlices, else its selector's ready pods): how to reach
   * Flink REST from outside the cluster. Fits src/flink/endpoint.ts's `ListReadyAddresses`.
   */
  readyEndpointAddresses(input: ReadyEndpointAddressesInput): Promise<EndpointAddress[]>;
  /** The Services of a namespace matching a label selector (one LIST). */
  listServices(input: ListServicesInput): Promise<V1Service[]>;
  /** Merge annotations into a Service's (merge patch; idempotent; a missing Service rejects K8S_NOT_FOUND). */
  annotateService(input: AnnotateInput): Promise<void>;
  /** The deployed-state records and per-application locks. */
  readonly records: DeployStateStore;
}

/** Build the facade over clients built once (`createKubeClients(loadKubeConfig(...))`). */
export function createKubeFacade(clients: KubeClients): KubeFacade {
  return {
    apply: async (objects) => {
      const applied: AppliedObject[] = [];
      for (const object of objects) applied.push(await applyObject(clients, object));
      return applied;
    },
    dryRunApply: (objects) => dryRunApply(clients, objects),
    serviceAccountExists: (input) => serviceAccountExists(clients, input),
    delete: (input) => deleteObject(clients, input),
    deleteConfigMaps: (input) => deleteConfigMaps(clients, input),
    waitForPodsGone: (input) => waitForPodsGone(clients, input),
    readDeploymentStatus: (input) => readDeploymentStatus(clients, input),
    scaleDeployment: (input) => scaleDeployment(clients, input),
    listAppPods: (input) => listAppPods(clients, input),
    annotatePod: (input) => annotatePod(clients, input),
    recordEvent: (input) => recordEvent(clients, input),
    readyEndpointAddresses: (input) => readyEndpointAddresses(clients, input),
    listServices: (input) => listServices(clients, input),
    annotateService: (input) => annotateService(clients, input),
    records: new DeployStateStore(clients.core),
  };
}
