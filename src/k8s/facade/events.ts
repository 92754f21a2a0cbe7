import type { CoreV1Event } from '@kubernetes/client-node';
import type { KubeClients } from '../config/clients';
import { kubeCall, kubeCallOr404 } from '../errors/classify';
import { FIELD_MANAGER, type EventSummary, type RecordEventInput, type RecordedEvent } from './types';

/** Time of an Event's last occurrence, whichever field its reporter filled. */
function lastSeen(event: CoreV1Event): Date | undefined {
  const t =
    event.series?.lastObservedTime ??
    event.lastTimestamp ??
    event.eventTime ??
    event.firstTimestamp ??
    event.metadata.creationTimestamp;
  return t ? new Date(t) : undefined;
}

/** Summarise an Event (pure). */
export function summariseEvent(event: CoreV1Event): EventSummary {
  return {
    involvedObject: { kind: event.involvedObject.kind ?? '', name: event.involvedObject.name ?? '' },
    type: event.type ?? 'Normal',
    reason: event.reason ?? '',
    message: event.message ?? '',
    count: event.series?.count ?? event.count ?? 1,
    lastSeen: lastSeen(event)?.toISOString(),
  };
}

/**
 * The uid of a Deployment or Service the Event is about, when the caller gave none: `kubectl describe`
 * shows only the Events whose `involvedObject.uid` is the object's. Undefined when the object
 * does not exist yet (a first deploy's start) or cannot be read: the Event is still written and
 * shows in `kubectl get events`.
 */
async function involvedUid(clients: KubeClients, involved: RecordEventInput['involved']): Promise<string | undefined> {
  if (involved.uid || (involved.kind !== 'Deployment' && involved.kind !== 'Service')) return involved.uid;
  const { name, namespace } = involved;
  try {
    const found =
      involved.kind === 'Service'
        ? await kubeCallOr404({ verb: 'get', resource: 'services', namespace, name }, () =>
            clients.core.readNamespacedService({ name, namespace }),
          )
        : await kubeCallOr404({ verb: 'get', resource: 'deployments', namespace, name }, () =>
            clients.apps.readNamespacedDeployment({ name, namespace }),
          );
    return found?.metadata?.uid;
  } catch {
    return undefined;
  }
}

/**
 * Write one Event about one of our objects (shows in `kubectl describe` and `kubectl get
 * events`). Resolves once stored. Not idempotent: a retried call records a second Event.
 */
export async function recordEvent(clients: KubeClients, input: RecordEventInput): Promise<RecordedEvent> {
  const involved = { ...input.involved, uid: await involvedUid(clients, input.involved) };
  const now = new Date();
  const created = await kubeCall({ verb: 'create', resource: 'events', namespace: involved.namespace }, () =>
    clients.core.createNamespacedEvent({
      namespace: involved.namespace,
      body: {
        metadata: { generateName: `${involved.name}.`, namespace: involved.namespace },
        involvedObject: {
          apiVersion: involved.apiVersion,
          kind: involved.kind,
          name: involved.name,
          namespace: involved.namespace,
          uid: involved.uid,
        },
        reason: input.reason,
        message: input.message,
        type: input.type ?? 'Normal',
        count: 1,
        firstTimestamp: now,
        lastTimestamp: now,
        source: { component: FIELD_MANAGER },
        reportingComponent: FIELD_MANAGER,
        reportingInstance: input.reportingInstance ?? FIELD_MANAGER,
      },
    }),
  );
  return { name: created.metadata.name ?? '', namespace: involved.namespace };
}

/** Input of {@link listEvents}. */
export interface ListEventsInput {
  namespace: string;
  /** Only Events about objects of this kind, e.g. `Pod`. */
  kind?: string;
  /** Only Events about these object names. */
  names?: ReadonlySet<string>;
  /** Newest first, at most this many. @default 20 */
  limit?: number;
}

/** Recent Events of a namespace about the given objects, newest first (one LIST). */
export async function listEvents(clients: KubeClients, input: ListEventsInput): Promise<EventSummary[]> {
  const list = await kubeCall({ verb: 'list', resource: 'events', namespace: input.namespace }, () =>
    clients.core.listNamespacedEvent({
      namespace: input.namespace,
      fieldSelector: input.kind ? `involvedObject.kind=${input.kind}` : undefined,
    }),
  );
  return list.items
    .filter((e) => !input.names || input.names.has(e.involvedObject.name ?? ''))
    .map((e) => ({ event: e, at: lastSeen(e)?.getTime() ?? 0 }))
    .sort((a, b) => b.at - a.at)
    .slice(0, input.limit ?? 20)
    .map(({ event }) => summariseEvent(event));
}
