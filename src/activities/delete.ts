/**
 * The activities of `delete` (issue 11 item 20): remove the application's remaining objects
 * (its ConfigMap, Services, and the HA ConfigMaps Flink created for its cluster id), then its
 * deployed-state record. Each is idempotent: what is already gone counts as removed.
 */
import { FailureType } from '../contract/failures';
import { Outcome } from '../contract/operations';
import { haConfigMapSelector, objectNames } from '../k8s/render';
import type { ActivityDeps } from './deps';
import type { AppSpec } from '../spec/types';
import { classified, fail } from './failures';
import { classifiedKeepingAlive } from './keep-alive';
import { activitySignal } from './poll';
import { removeUnusedJars } from './unused-jars';
import type { DeleteRecordInput, RemoveObjectsInput, RemovedObjects } from './types';

export function deleteActivities(deps: ActivityDeps) {
  return {
    /**
     * Delete `<app>-config`, `<app>`, `<app>-rest`, then the HA ConfigMaps of the cluster id by
     * their labels (one `deletecollection`, as `removeHaMetadata` does; none left is not an error).
     */
    async removeApplicationObjects(input: RemoveObjectsInput): Promise<RemovedObjects> {
      const { namespace, name } = input.app;
      const doing = `removing the objects of ${namespace}/${name}`;
      return classifiedKeepingAlive(doing, async () => {
        const names = objectNames(name);
        const targets = [
          { apiVersion: 'v1', kind: 'ConfigMap', name: names.configMap },
          { apiVersion: 'v1', kind: 'Service', name: names.rpcService },
          { apiVersion: 'v1', kind: 'Service', name: names.restService },
        ];
        // spec.ingress's Ingress, when the deployed spec had one (the record's owner reference removes it too).
        const record = await deps.kube.records.readRecord<AppSpec>(namespace, name);
        if (record?.record.lastAppliedSpec?.ingress)
          targets.push({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: names.ingress });
        const removed: string[] = [];
        for (const t of targets) {
          const result = await deps.kube.delete({ ...t, namespace, propagationPolicy: 'Background' });
          if (result.outcome === 'deleted') removed.push(`${t.kind}/${t.name}`);
        }
        await deps.kube.deleteConfigMaps({ namespace, labelSelector: haConfigMapSelector(input.clusterId) });
        // A session job's Service is gone: the jar it ran from is deleted from its cluster unless another uses it.
        const cluster = record?.record.lastAppliedSpec?.sessionJob?.deploymentName;
        if (cluster !== undefined) {
          const ref = { namespace, name: cluster };
          await removeUnusedJars(deps, () => deps.flinkFor(ref), ref, activitySignal());
        }
        return { removed, haClusterId: input.clusterId };
      });
    },

    /**
     * Delete the record once the delete operation has released the lock with success, and only
     * if nothing wrote it since (resourceVersion precondition). Already gone: `false`. Another
     * operation holding it, or run since: LockLost, the record stays.
     */
    async deleteRecord(input: DeleteRecordInput): Promise<boolean> {
      const { namespace, name } = input.app;
      return classified(`deleting the record of ${namespace}/${name}`, async () => {
        const current = await deps.kube.records.readRecord(namespace, name);
        if (!current) return false;
        const last = current.record.history.at(-1);
        const ours = last?.workflowId === input.workflowId && last.outcome === Outcome.Succeeded;
        if (current.record.operation || !ours) {
          const holder = current.record.operation
            ? `${current.record.operation.type} (workflow ${current.record.operation.workflowId}) holds it`
            : `${last?.type ?? 'another operation'} ran after the delete`;
          throw fail(
            FailureType.LockLost,
            `the record of ${namespace}/${name} was not deleted: ${holder}; run flink-deploy delete ` +
              `${name} -n ${namespace} again`,
          );
        }
        return deps.kube.records.deleteRecord({
          namespace,
          app: name,
          expectedResourceVersion: current.resourceVersion,
        });
      });
    },
  };
}
