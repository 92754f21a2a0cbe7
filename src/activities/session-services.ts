/**
 * The session jobs of a session cluster, as Kubernetes sees them: each job's `<job>-rest` Service selects its
 * cluster's JobManager, and carries what the job asks of the cluster (the jar it runs from, the slots it needs:
 * AnnotationKey.Jar, AnnotationKey.Slots), written before its submission. Pure.
 */
import type { V1Service } from '@kubernetes/client-node';
import { AnnotationKey, Component, LabelKey, managedBy, selectorLabels } from '../k8s/render';

/** The label selector of every Service flink-deploy renders `rest` (a session job's is `<job>-rest`). */
export const restServices = `${LabelKey.ManagedBy}=${managedBy},${LabelKey.Component}=rest`;

/** Of `services`, those of the session jobs of `cluster` (they select its JobManager, and are not its own). */
export function sessionJobServices(services: readonly V1Service[], cluster: string): V1Service[] {
  const selector = canonical(selectorLabels(cluster, Component.JobManager));
  return services.filter((s) => s.metadata?.name !== `${cluster}-rest` && canonical(s.spec?.selector) === selector);
}

function canonical(map: Record<string, string> | undefined): string {
  return JSON.stringify(Object.entries(map ?? {}).sort(([a], [b]) => a.localeCompare(b)));
}

/** The jars named by the Services of the session jobs of `cluster`. */
export function jarsInUse(services: readonly V1Service[], cluster: string): Set<string> {
  const names = sessionJobServices(services, cluster)
    .map((s) => s.metadata?.annotations?.[AnnotationKey.Jar])
    .filter((name): name is string => typeof name === 'string' && name !== '');
  return new Set(names);
}

/** The slots the session jobs of `cluster` ask of it: the sum of their Services' AnnotationKey.Slots. */
export function slotDemand(services: readonly V1Service[], cluster: string): number {
  return sessionJobServices(services, cluster)
    .map((s) => Number(s.metadata?.annotations?.[AnnotationKey.Slots]))
    .filter((slots) => Number.isSafeInteger(slots) && slots > 0)
    .reduce((sum, slots) => sum + slots, 0);
}
