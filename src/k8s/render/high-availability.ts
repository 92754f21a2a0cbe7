/**
 * What JobManager HA adds to the rendered application (src/spec/high-availability.ts decides
 * whether it is on): Flink's HA settings with a cluster id per deploy generation, and the
 * ServiceAccount the Flink pods run as (its Role lets Flink keep its HA ConfigMaps).
 */
import {
  ConfigPurpose,
  configKey,
  defaultFlinkServiceAccount,
  defaultHaStorageDir,
  haClusterId,
  jobManagerHa,
  type AppSpec,
} from '../../spec';

/**
 * The labels Flink puts on the ConfigMaps it creates for one cluster id: `app=<cluster-id>` and
 * `type=flink-native-kubernetes` (Flink 1.18–1.20 add `configmap-type=high-availability` to
 * the HA ones; 2.x does not, as seen on 2.3). In standalone mode Flink creates no others.
 */
export const haConfigMapSelector = (clusterId: string): string => `app=${clusterId},type=flink-native-kubernetes`;

/** Whether Flink forgets a finished job's result once its HA data is cleaned up. */
export const jobResultDeleteOnCommitKey = 'job-result-store.delete-on-commit';

/** The Flink settings of JobManager HA for one generation; none when HA is off. */
export function haConfiguration(spec: AppSpec, generation: number): Record<string, string> {
  const ha = jobManagerHa(spec);
  if (ha.kind === 'none') return {};
  const config = spec.flinkConfiguration;
  const clusterId = haClusterId(spec.name, generation);
  const stateDir =
    config[configKey(spec.flinkVersion, ConfigPurpose.CheckpointDir)] ??
    config[configKey(spec.flinkVersion, ConfigPurpose.SavepointDir)];
  const storageDir =
    config['high-availability.storageDir'] ??
    (stateDir !== undefined ? defaultHaStorageDir(stateDir, spec.namespace) : undefined);
  return {
    ...(ha.kind === 'kubernetes'
      ? {
          'high-availability.type': 'kubernetes',
          'kubernetes.cluster-id': clusterId,
          'kubernetes.namespace': spec.namespace,
        }
      : {}),
    'high-availability.cluster-id': clusterId,
    ...(storageDir !== undefined ? { 'high-availability.storageDir': storageDir } : {}),
    // A finished job's result stays in the job result store (Flink's default deletes it once
    // cleaned up): a JobManager restarted after a stop-with-savepoint then knows the job is done
    // instead of running it again from the generation's start (seen in test/e2e/ha-savepoint.test.ts).
    [jobResultDeleteOnCommitKey]: config[jobResultDeleteOnCommitKey] ?? 'false',
  };
}

/**
 * The ServiceAccount of the JobManager and TaskManager pods: the spec's, else Flink's default
 * (`flink`, deploy/flink-rbac.yaml) when Kubernetes HA is on (the JobManager writes its leader
 * and checkpoint ConfigMaps, TaskManagers watch the leader); otherwise the namespace's default.
 */
export function flinkServiceAccount(spec: AppSpec): string | undefined {
  if (spec.serviceAccount !== undefined) return spec.serviceAccount;
  return jobManagerHa(spec).kind === 'kubernetes' ? defaultFlinkServiceAccount : undefined;
}
