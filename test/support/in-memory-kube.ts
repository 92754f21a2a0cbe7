/**
 * IN-MEMORY KUBERNETES for activity and workflow tests: the real `KubeFacade` interface over
 * objects kept by kind/namespace/name, with the API server's semantics the activities rely on:
 * - server-side apply by one field manager (forced): the applied fields replace ours, status
 *   and server-owned metadata stay; the same object applied again is `unchanged` (same
 *   resourceVersion); a spec change bumps `metadata.generation`;
 * - deletes answer `absent` for a 404, and the garbage collector deletes dependents (by
 *   `ownerReferences` uid) at once;
 * - the deployed-state record is the real `DeployStateStore` over an in-memory ConfigMap API
 *   with resourceVersion compare-and-swap, so the real store and lock code runs;
 * - pods and Deployment status are set by the test (`putPod`, `setDeploymentStatus`), read
 *   through the real `explainPod` / `summariseDeployment`;
 * - faults are injected per call (`inject`): 409, 422, 5xx or a transport error, classified by
 *   the real `classifyKubeError` (facade calls) or by the store itself (record calls).
 */
import * as k8s from '@kubernetes/client-node';
import type { CoreV1Api, KubernetesObject, V1ConfigMap, V1Deployment, V1Pod, V1Service } from '@kubernetes/client-node';
import { classifyKubeError } from '../../src/k8s/errors/classify';
import { summariseDeployment } from '../../src/k8s/facade/deployment-status';
import { readyAddressesFromPods } from '../../src/k8s/facade/endpoints';
import type { KubeFacade } from '../../src/k8s/facade/kube-facade';
import { explainPod } from '../../src/k8s/facade/pod-readiness';
import type { AppPodsReport, ListAppPodsInput } from '../../src/k8s/facade/pods';
import { resourceOf } from '../../src/k8s/facade/resource-names';
import type {
  AppliedObject,
  ApplyableObject,
  DeleteObjectInput,
  DeleteResult,
  DeploymentStatusResult,
  EndpointAddress,
  EventSummary,
  RecordEventInput,
  RecordedEvent,
  WaitForPodsGoneInput,
  WaitForPodsGoneResult,
} from '../../src/k8s/facade/types';
import { DeployStateStore } from '../../src/k8s/state-record/store';

/** Every call a fault can be injected into (facade methods, and the record ConfigMap's verbs). */
export type KubeCall =
  | 'apply'
  | 'delete'
  | 'deleteConfigMaps'
  | 'waitForPodsGone'
  | 'readDeploymentStatus'
  | 'scaleDeployment'
  | 'listAppPods'
  | 'recordEvent'
  | 'readyEndpointAddresses'
  | 'dryRunApply'
  | 'serviceAccountExists'
  | 'listServices'
  | 'annotateService'
  | 'annotatePod'
  | 'record.read'
  | 'record.create'
  | 'record.replace';

/** What an injected fault looks like on the wire. */
export type KubeFault = 'conflict' | 'invalid' | 'server-error' | 'unreachable';

/** A change the in-memory API server made (what a controller would watch). */
export interface KubeChange {
  type: 'added' | 'modified' | 'deleted';
  object: KubernetesObject;
}

const statusOf: Record<Exclude<KubeFault, 'unreachable'>, { code: number; reason: string }> = {
  conflict: { code: 409, reason: 'Conflict' },
  invalid: { code: 422, reason: 'Invalid' },
  'server-error': { code: 503, reason: 'ServiceUnavailable' },
};

/** The error client-node throws for an HTTP answer: a `Status` body in an ApiException. */
export function apiException(code: number, reason: string, message: string): k8s.ApiException<string> {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });
  return new k8s.ApiException(code, `HTTP-Code: ${code}`, body, {});
}

/** The error fetch throws when the API server cannot be reached. */
function transportError(): Error {
  return new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  });
}

function rawFault(fault: KubeFault, what: string): Error {
  if (fault === 'unreachable') return transportError();
  const { code, reason } = statusOf[fault];
  return apiException(code, reason, `injected ${reason} on ${what}`);
}

/** Does `labels` match a selector like `a=b,c in (d,e)`? (the forms the activities send) */
export function matchesSelector(labels: Record<string, string> | undefined, selector: string): boolean {
  const terms = selector.match(/[^,(]+(\([^)]*\))?/g) ?? [];
  return terms.every((raw) => {
    const term = raw.trim();
    const set = /^(\S+)\s+in\s+\(([^)]*)\)$/.exec(term);
    if (set)
      return set[2]!
        .split(',')
        .map((v) => v.trim())
        .includes(labels?.[set[1]!] ?? '\0');
    const [key, value] = term.split('=');
    return labels?.[key!.trim()] === value?.trim();
  });
}

const keyOf = (kind: string, namespace: string, name: string) => `${kind}/${namespace}/${name}`;
const clone = <T>(value: T): T => structuredClone(value);
const withoutVolatile = (o: KubernetesObject) => {
  const { resourceVersion: _rv, generation: _g, ...metadata } = o.metadata ?? {};
  return JSON.stringify({ ...o, metadata });
};

export class InMemoryKube implements KubeFacade {
  readonly records: DeployStateStore;
  /** Every facade and record call, in order (`apply Deployment/default/counter-jobmanager`...). */
  readonly calls: string[] = [];
  readonly events: EventSummary[] = [];
  private readonly objects = new Map<string, KubernetesObject>();
  /** Annotations merged in by `annotateService`/`annotatePod` (another field manager's: an apply keeps them). */
  private readonly patchedAnnotations = new Map<string, Record<string, string>>();
  private readonly faults: { call: KubeCall; fault: KubeFault; times: number }[] = [];
  private readonly hooks: { call: KubeCall; run: () => void }[] = [];
  private readonly listeners: ((change: KubeChange) => void)[] = [];
  private version = 100;
  private uids = 0;

  constructor(now: () => Date = () => new Date()) {
    this.records = new DeployStateStore(this.configMapApi() as unknown as CoreV1Api, now);
  }

  // --- what tests use --------------------------------------------------------------------

  /** The next `times` calls of `call` fail with `fault`. */
  inject(call: KubeCall, fault: KubeFault, times = 1): void {
    this.faults.push({ call, fault, times });
  }

  /** Runs `run` once, just before the next `call` (e.g. another writer's update of the record). */
  before(call: KubeCall, run: () => void): void {
    this.hooks.push({ call, run });
  }

  /** Called after each change, like a watch (simulated controllers subscribe here). */
  onChange(listener: (change: KubeChange) => void): void {
    this.listeners.push(listener);
  }

  get<T extends KubernetesObject>(kind: string, namespace: string, name: string): T | undefined {
    const found = this.objects.get(keyOf(kind, namespace, name));
    return found ? (clone(found) as T) : undefined;
  }

  list<T extends KubernetesObject>(kind: string, namespace: string, selector?: string): T[] {
    return [...this.objects.values()]
      .filter((o) => o.kind === kind && o.metadata?.namespace === namespace)
      .filter((o) => selector === undefined || matchesSelector(o.metadata?.labels, selector))
      .map((o) => clone(o) as T);
  }

  /** Creates or replaces a pod as the kubelet reports it (status included). */
  putPod(pod: V1Pod): void {
    this.store({ ...pod, apiVersion: 'v1', kind: 'Pod' });
  }

  /** Sets a Deployment's status as the controller would report it. */
  setDeploymentStatus(namespace: string, name: string, status: V1Deployment['status']): void {
    const deployment = this.objects.get(keyOf('Deployment', namespace, name)) as V1Deployment | undefined;
    if (!deployment) throw new Error(`no Deployment ${namespace}/${name} to set the status of`);
    this.store({ ...deployment, status: clone(status) } as KubernetesObject);
  }

  /** Changes a stored object as another client would (a new resourceVersion). */
  edit<T extends KubernetesObject>(kind: string, namespace: string, name: string, mutate: (object: T) => void): void {
    const object = this.get<T>(kind, namespace, name);
    if (!object) throw new Error(`no ${kind} ${namespace}/${name} to edit`);
    mutate(object);
    this.store(object);
  }

  /** Deletes an object as another client would (its dependents go too). */
  remove(kind: string, namespace: string, name: string): boolean {
    const existing = this.objects.get(keyOf(kind, namespace, name));
    if (!existing) return false;
    this.deleteCascading(existing);
    return true;
  }

  // --- KubeFacade ------------------------------------------------------------------------

  async apply<T extends ApplyableObject>(objects: readonly T[]): Promise<AppliedObject[]> {
    const applied: AppliedObject[] = [];
    for (const object of objects) {
      const { apiVersion, kind } = object;
      const name = object.metadata?.name;
      const namespace = object.metadata?.namespace;
      this.enter('apply', `${kind}/${namespace}/${name}`, {
        verb: 'patch',
        resource: resourceOf(kind ?? ''),
        namespace,
        name,
      });
      if (!apiVersion || !kind || !name || !namespace) {
        throw classifyKubeError(apiException(422, 'Invalid', 'apiVersion, kind, name and namespace are required'), {
          verb: 'patch',
          resource: kind ? resourceOf(kind) : 'unknown',
          namespace,
          name,
        });
      }
      const before = this.objects.get(keyOf(kind, namespace, name));
      const { status: _ignored, ...fields } = clone(object) as KubernetesObject & { status?: unknown };
      const next: KubernetesObject & { status?: unknown; spec?: unknown } = {
        ...(before ? clone(before) : {}),
        ...fields,
        metadata: {
          ...(before?.metadata ?? {}),
          labels: fields.metadata?.labels,
          annotations: this.withPatchedAnnotations(keyOf(kind, namespace, name), fields.metadata?.annotations),
          ownerReferences: fields.metadata?.ownerReferences,
          name,
          namespace,
        },
      };
      if (before && withoutVolatile(before) === withoutVolatile(next)) {
        applied.push(this.appliedOf(before, 'unchanged'));
        continue;
      }
      const specChanged = JSON.stringify((before as { spec?: unknown })?.spec) !== JSON.stringify(next.spec);
      const generation = (before?.metadata?.generation ?? 0) + (specChanged || !before ? 1 : 0);
      next.metadata = { ...next.metadata, generation };
      const stored = this.store(next);
      applied.push(this.appliedOf(stored, before ? 'changed' : 'created'));
    }
    return applied;
  }

  /** Nothing is stored; an injected fault stands for the API server's refusal. */
  async dryRunApply(objects: readonly ApplyableObject[]): Promise<void> {
    for (const o of objects) {
      const what = `${o.kind}/${o.metadata?.namespace}/${o.metadata?.name}`;
      this.enter('dryRunApply', what, {
        verb: 'patch',
        resource: resourceOf(o.kind ?? ''),
        namespace: o.metadata?.namespace,
        name: o.metadata?.name,
      });
    }
  }

  async serviceAccountExists(input: { namespace: string; name: string }): Promise<boolean> {
    this.enter('serviceAccountExists', `${input.namespace}/${input.name}`, {
      verb: 'get',
      resource: 'serviceaccounts',
      ...input,
    });
    return this.objects.has(keyOf('ServiceAccount', input.namespace, input.name));
  }

  async delete(input: DeleteObjectInput): Promise<DeleteResult> {
    const { apiVersion, kind, namespace, name } = input;
    this.enter('delete', `${kind}/${namespace}/${name}`, {
      verb: 'delete',
      resource: resourceOf(kind),
      namespace,
      name,
    });
    const existing = this.objects.get(keyOf(kind, namespace, name));
    if (existing) this.deleteCascading(existing);
    return { ref: { apiVersion, kind, namespace, name }, outcome: existing ? 'deleted' : 'absent' };
  }

  async deleteConfigMaps(input: { namespace: string; labelSelector: string }): Promise<void> {
    this.enter('deleteConfigMaps', input.labelSelector, {
      verb: 'deletecollection',
      resource: 'configmaps',
      namespace: input.namespace,
    });
    for (const object of this.list('ConfigMap', input.namespace, input.labelSelector)) this.deleteCascading(object);
  }

  async waitForPodsGone(input: WaitForPodsGoneInput): Promise<WaitForPodsGoneResult> {
    const started = Date.now();
    for (;;) {
      input.signal?.throwIfAborted();
      this.enter('waitForPodsGone', input.labelSelector, {
        verb: 'list',
        resource: 'pods',
        namespace: input.namespace,
      });
      const remaining = this.list<V1Pod>('Pod', input.namespace, input.labelSelector)
        .map((p) => p.metadata?.name ?? '')
        .sort();
      const waitedMs = Date.now() - started;
      input.onPoll?.(remaining);
      if (remaining.length === 0) return { gone: true, waitedMs };
      if (waitedMs >= input.timeoutMs) return { gone: false, waitedMs, remaining };
      await new Promise((resolve) => setTimeout(resolve, Math.min(input.pollIntervalMs ?? 500, 20)));
    }
  }

  async readDeploymentStatus(input: { namespace: string; name: string }): Promise<DeploymentStatusResult> {
    this.enter('readDeploymentStatus', `${input.namespace}/${input.name}`, {
      verb: 'get',
      resource: 'deployments',
      ...input,
    });
    const deployment = this.get<V1Deployment>('Deployment', input.namespace, input.name);
    return deployment ? summariseDeployment(deployment) : { found: false, ...input };
  }

  async scaleDeployment(input: { namespace: string; name: string; replicas: number; from: number }) {
    const { namespace, name } = input;
    const where = { verb: 'patch', resource: 'deployments', namespace, name };
    this.enter('scaleDeployment', `${namespace}/${name}`, where);
    const deployment = this.get<V1Deployment>('Deployment', namespace, name);
    if (!deployment)
      throw classifyKubeError(apiException(404, 'NotFound', `deployments.apps "${name}" not found`), where);
    if ((deployment.spec?.replicas ?? 1) !== input.from)
      throw classifyKubeError(apiException(409, 'Conflict', `replicas are no longer ${input.from}`), where);
    this.store({ ...deployment, spec: { ...deployment.spec!, replicas: input.replicas } } as KubernetesObject);
  }

  async listAppPods(input: ListAppPodsInput): Promise<AppPodsReport> {
    this.enter('listAppPods', input.labelSelector, { verb: 'list', resource: 'pods', namespace: input.namespace });
    const pods = this.list<V1Pod>('Pod', input.namespace, input.labelSelector)
      .map(explainPod)
      .sort((a, b) => a.name.localeCompare(b.name));
    const names = new Set(pods.map((p) => p.name));
    const events = this.events
      .filter((e) => e.involvedObject.kind === 'Pod' && names.has(e.involvedObject.name))
      .slice(0, input.eventLimit ?? 20);
    return { pods, readyCount: pods.filter((p) => p.ready).length, events };
  }

  async recordEvent(input: RecordEventInput): Promise<RecordedEvent> {
    const { involved } = input;
    this.enter('recordEvent', input.reason, { verb: 'create', resource: 'events', namespace: involved.namespace });
    const name = `${involved.name}.${++this.uids}`;
    this.events.unshift({
      involvedObject: { kind: involved.kind, name: involved.name },
      type: input.type ?? 'Normal',
      reason: input.reason,
      message: input.message,
      count: 1,
      lastSeen: new Date().toISOString(),
    });
    return { name, namespace: involved.namespace };
  }

  async listServices(input: { namespace: string; labelSelector: string }): Promise<V1Service[]> {
    this.enter('listServices', input.labelSelector, { verb: 'list', resource: 'services', namespace: input.namespace });
    return this.list<V1Service>('Service', input.namespace, input.labelSelector);
  }

  async annotateService(input: { namespace: string; name: string; annotations: Record<string, string> }) {
    this.annotate('Service', 'services', 'annotateService', input);
  }

  async annotatePod(input: { namespace: string; name: string; annotations: Record<string, string> }) {
    this.annotate('Pod', 'pods', 'annotatePod', input);
  }

  /** A merge patch of one object's annotations (another field manager's: an apply keeps them, as SSA does). */
  private annotate(
    kind: string,
    resource: string,
    call: KubeCall,
    input: { namespace: string; name: string; annotations: Record<string, string> },
  ): void {
    const { namespace, name } = input;
    const where = { verb: 'patch', resource, namespace, name };
    this.enter(call, `${namespace}/${name}`, where);
    const key = keyOf(kind, namespace, name);
    const before = this.objects.get(key);
    if (!before) throw classifyKubeError(apiException(404, 'NotFound', `${resource} "${name}" not found`), where);
    this.patchedAnnotations.set(key, { ...this.patchedAnnotations.get(key), ...input.annotations });
    const annotations = { ...before.metadata?.annotations, ...input.annotations };
    if (JSON.stringify(annotations) !== JSON.stringify(before.metadata?.annotations ?? {}))
      this.store({ ...clone(before), metadata: { ...clone(before.metadata), annotations } });
  }

  async readyEndpointAddresses(input: { namespace: string; serviceName: string }): Promise<EndpointAddress[]> {
    const { namespace, serviceName } = input;
    this.enter('readyEndpointAddresses', `${namespace}/${serviceName}`, {
      verb: 'list',
      resource: 'endpointslices',
      namespace,
    });
    const service = this.get<V1Service>('Service', namespace, serviceName);
    const selector = service?.spec?.selector;
    if (!service || !selector) return [];
    const labelSelector = Object.entries(selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    return readyAddressesFromPods(service, this.list<V1Pod>('Pod', namespace, labelSelector));
  }

  // --- the API server's side ---------------------------------------------------------------

  /** Counts the call, runs its hook, and throws its injected fault (classified like the real facade). */
  private enter(
    call: KubeCall,
    what: string,
    request: { verb: string; resource: string; namespace?: string; name?: string },
  ) {
    const raw = this.due(call, what);
    if (raw) throw classifyKubeError(raw, request);
  }

  /** The raw error of an injected fault due now (record calls throw it raw: the store classifies). */
  private due(call: KubeCall, what: string): Error | undefined {
    this.calls.push(`${call} ${what}`);
    const hook = this.hooks.findIndex((h) => h.call === call);
    if (hook >= 0) this.hooks.splice(hook, 1)[0]!.run();
    const fault = this.faults.find((f) => f.call === call && f.times > 0);
    if (!fault) return undefined;
    fault.times--;
    return rawFault(fault.fault, `${call} ${what}`);
  }

  private withPatchedAnnotations(key: string, applied: Record<string, string> | undefined) {
    const patched = this.patchedAnnotations.get(key);
    return patched ? { ...applied, ...patched } : applied;
  }

  private store(object: KubernetesObject): KubernetesObject {
    const { kind = '', metadata = {} } = object;
    const key = keyOf(kind, metadata.namespace ?? '', metadata.name ?? '');
    const before = this.objects.get(key);
    const stored = clone(object);
    stored.metadata = {
      ...stored.metadata,
      uid: before?.metadata?.uid ?? `uid-${++this.uids}`,
      creationTimestamp: before?.metadata?.creationTimestamp ?? new Date(),
      resourceVersion: String(++this.version),
    };
    this.objects.set(key, stored);
    this.emit(before ? 'modified' : 'added', stored);
    return clone(stored);
  }

  private deleteCascading(object: KubernetesObject): void {
    const { kind = '', metadata = {} } = object;
    this.objects.delete(keyOf(kind, metadata.namespace ?? '', metadata.name ?? ''));
    this.patchedAnnotations.delete(keyOf(kind, metadata.namespace ?? '', metadata.name ?? ''));
    this.emit('deleted', object);
    const dependents = [...this.objects.values()].filter((o) =>
      o.metadata?.ownerReferences?.some((ref) => ref.uid === metadata.uid),
    );
    for (const dependent of dependents) this.deleteCascading(dependent);
  }

  private emit(type: KubeChange['type'], object: KubernetesObject): void {
    for (const listener of this.listeners) listener({ type, object: clone(object) });
  }

  private appliedOf(object: KubernetesObject, outcome: AppliedObject['outcome']): AppliedObject {
    const m = object.metadata ?? {};
    return {
      ref: {
        apiVersion: object.apiVersion ?? '',
        kind: object.kind ?? '',
        namespace: m.namespace ?? '',
        name: m.name ?? '',
        uid: m.uid ?? '',
      },
      resourceVersion: m.resourceVersion ?? '',
      generation: m.generation,
      outcome,
    };
  }

  /** The ConfigMap verbs `DeployStateStore` uses, with resourceVersion compare-and-swap (list: the observer's). */
  private configMapApi(): Pick<
    CoreV1Api,
    | 'readNamespacedConfigMap'
    | 'createNamespacedConfigMap'
    | 'replaceNamespacedConfigMap'
    | 'listNamespacedConfigMap'
    | 'deleteNamespacedConfigMap'
  > {
    const notFound = (namespace: string, name: string) =>
      apiException(404, 'NotFound', `configmaps "${name}" not found in ${namespace}`);
    return {
      listNamespacedConfigMap: async ({ namespace, labelSelector }: { namespace: string; labelSelector?: string }) => ({
        items: [...this.objects.values()].filter(
          (o) =>
            o.kind === 'ConfigMap' &&
            o.metadata?.namespace === namespace &&
            matchesSelector(o.metadata?.labels, labelSelector ?? ''),
        ),
      }),
      readNamespacedConfigMap: async ({ name, namespace }: { name: string; namespace: string }) => {
        const fault = this.due('record.read', `${namespace}/${name}`);
        if (fault) throw fault;
        const found = this.get<V1ConfigMap>('ConfigMap', namespace, name);
        if (!found) throw notFound(namespace, name);
        return found;
      },
      createNamespacedConfigMap: async ({ namespace, body }: { namespace: string; body: V1ConfigMap }) => {
        const name = body.metadata?.name ?? '';
        const fault = this.due('record.create', `${namespace}/${name}`);
        if (fault) throw fault;
        if (this.objects.has(keyOf('ConfigMap', namespace, name)))
          throw apiException(409, 'AlreadyExists', `configmaps "${name}" already exists`);
        return this.store({ ...body, apiVersion: 'v1', kind: 'ConfigMap' }) as V1ConfigMap;
      },
      replaceNamespacedConfigMap: async ({
        name,
        namespace,
        body,
      }: {
        name: string;
        namespace: string;
        body: V1ConfigMap;
      }) => {
        const fault = this.due('record.replace', `${namespace}/${name}`);
        if (fault) throw fault;
        const current = this.objects.get(keyOf('ConfigMap', namespace, name));
        if (!current) throw notFound(namespace, name);
        if (body.metadata?.resourceVersion !== current.metadata?.resourceVersion) {
          throw apiException(
            409,
            'Conflict',
            `Operation cannot be fulfilled on configmaps "${name}": the object has been modified; please ` +
              `apply your changes to the latest version and try again`,
          );
        }
        return this.store({
          ...body,
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { ...current.metadata, ...body.metadata },
        }) as V1ConfigMap;
      },
      deleteNamespacedConfigMap: async ({
        name,
        namespace,
        body,
      }: {
        name: string;
        namespace: string;
        body?: { preconditions?: { resourceVersion?: string } };
      }) => {
        const current = this.objects.get(keyOf('ConfigMap', namespace, name));
        if (!current) throw notFound(namespace, name);
        const expected = body?.preconditions?.resourceVersion;
        if (expected !== undefined && expected !== current.metadata?.resourceVersion)
          throw apiException(409, 'Conflict', `Precondition failed: resourceVersion of configmaps "${name}"`);
        this.remove('ConfigMap', namespace, name);
        return {};
      },
    } as unknown as Pick<
      CoreV1Api,
      | 'readNamespacedConfigMap'
      | 'createNamespacedConfigMap'
      | 'replaceNamespacedConfigMap'
      | 'listNamespacedConfigMap'
      | 'deleteNamespacedConfigMap'
    >;
  }
}
