/**
 * removeHaMetadata: Flink's Kubernetes HA ConfigMaps of past deploy generations. Each
 * generation has its own cluster id (`<app>-g<N>`, src/spec/high-availability.ts), so a new
 * generation never restores from an old one's metadata; this removes what the old JobManager
 * left (its leader ConfigMap, and the checkpoint ConfigMap of a job that did not end) once its
 * pods are gone, so nothing piles up and nothing can be picked up again. Idempotent.
 */
import { haConfigMapSelector } from '../k8s/render';
import { haClusterId } from '../spec';
import type { ActivityDeps } from './deps';
import { classifiedKeepingAlive } from './keep-alive';
import type { RemoveHaMetadataInput } from './types';

export function haMetadataActivities(deps: ActivityDeps) {
  return {
    /**
     * Delete the HA ConfigMaps (`app=<cluster-id>,type=flink-native-kubernetes`) of each
     * given generation. Call it only when those generations' JobManagers are gone: a live one
     * would write its leader ConfigMap again.
     */
    async removeHaMetadata(input: RemoveHaMetadataInput): Promise<void> {
      const { namespace, name } = input.app;
      const generations = [...new Set(input.generations)].filter((g) => Number.isInteger(g) && g >= 0);
      const doing = `removing the HA ConfigMaps of ${namespace}/${name} generations ${generations.join(', ')}`;
      await classifiedKeepingAlive(doing, async () => {
        for (const generation of generations) {
          await deps.kube.deleteConfigMaps({
            namespace,
            labelSelector: haConfigMapSelector(haClusterId(name, generation)),
          });
        }
      });
    },
  };
}
