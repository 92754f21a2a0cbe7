/**
 * JobManager high availability by default: every application that keeps state across
 * upgrades (upgradeMode `savepoint` or `last-state`) runs with Flink's Kubernetes HA services,
 * so a JobManager restart resumes from the latest completed checkpoint instead of the
 * generation's start savepoint. Opting out takes `spec.flinkDeploy.unsafeDisableJobManagerHA`.
 * Pure: used by validation (src/spec) and rendering (src/k8s/render).
 */
import { SpecIssueCode, UpgradeMode, type AppSpec, type SpecIssue } from './types';

/** Flink's HA type key (2.x and 1.18+) and its older name. */
export const haTypeKeys = ['high-availability.type', 'high-availability'] as const;
/** The values of the HA type key that select Kubernetes HA. */
const kubernetesHaTypes = ['kubernetes', 'org.apache.flink.kubernetes.highavailability.kuberneteshaservicesfactory'];
/** Where Flink keeps the HA metadata (job graphs, checkpoint pointers, blobs). */
export const haStorageDirKey = 'high-availability.storageDir';
/** The ServiceAccount Flink's pods run as when HA is on and the spec names none (deploy/flink-rbac.yaml). */
export const defaultFlinkServiceAccount = 'flink';
/** The opt-out field, as the manifest spells it. */
export const haOptOutField = 'spec.flinkDeploy.unsafeDisableJobManagerHA';

/** How the application's JobManager is made highly available. */
export type JobManagerHa =
  /** Flink's Kubernetes HA services: by default, or because the manifest asks for them. */
  | { kind: 'kubernetes'; byDefault: boolean }
  /** Another HA type the manifest sets (e.g. zookeeper): passed to Flink with our cluster id. */
  | { kind: 'other'; type: string }
  /** None: a stateless application, or the explicit opt-out. */
  | { kind: 'none'; reason: 'stateless' | 'opted-out' };

function userHaType(config: Record<string, string>): string | undefined {
  for (const key of haTypeKeys) if (config[key] !== undefined) return config[key]?.trim();
  return undefined;
}

const isNoneType = (type: string): boolean => type.toUpperCase() === 'NONE';

/** The HA of `spec`'s JobManager (the spec is valid: contradictions were refused by `haIssues`). */
export function jobManagerHa(
  spec: Pick<AppSpec, 'flinkConfiguration' | 'job' | 'unsafeDisableJobManagerHA'>,
): JobManagerHa {
  const type = userHaType(spec.flinkConfiguration);
  if (type !== undefined && !isNoneType(type)) {
    return kubernetesHaTypes.includes(type.toLowerCase())
      ? { kind: 'kubernetes', byDefault: false }
      : { kind: 'other', type };
  }
  if (spec.unsafeDisableJobManagerHA === true) return { kind: 'none', reason: 'opted-out' };
  if (spec.job.upgradeMode === UpgradeMode.Stateless || type !== undefined)
    return { kind: 'none', reason: 'stateless' };
  return { kind: 'kubernetes', byDefault: true };
}

/**
 * The cluster id of one deploy generation (`kubernetes.cluster-id`, `high-availability.cluster-id`):
 * a new generation never reads the HA metadata of the previous one, so it restores from the
 * savepoint or checkpoint the workflow chose. At most 63 characters (Flink puts it in the label
 * `app=<cluster-id>` of its HA ConfigMaps): the application name is at most 45.
 */
export function haClusterId(app: string, generation: number): string {
  return `${app}-g${generation}`;
}

/**
 * `high-availability.storageDir` when the manifest does not set it: inside the checkpoint
 * directory (else the savepoint directory), so it lives on the same storage and mount as the
 * state it points at, per namespace (Flink adds the cluster id below it).
 */
export function defaultHaStorageDir(stateDir: string, namespace: string): string {
  return `${stateDir.replace(/\/+$/, '')}/ha/${namespace}`;
}

/** The HA checks of a manifest: an HA type of NONE needs the explicit opt-out; no contradictions. */
export function haIssues(input: {
  config: Record<string, string>;
  upgradeMode: UpgradeMode;
  optOut: boolean | undefined;
  /** A checkpoint or savepoint directory is set (the default HA storage goes inside it). */
  stateDirGiven: boolean;
  namespace: string;
  configPath: string;
}): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const type = userHaType(input.config);
  const typeKey = haTypeKeys.find((key) => input.config[key] !== undefined) ?? haTypeKeys[0];
  const stateful = input.upgradeMode !== UpgradeMode.Stateless;
  if (type !== undefined && isNoneType(type) && stateful && input.optOut !== true) {
    issues.push({
      code: SpecIssueCode.InvalidValue,
      path: `${input.configPath}["${typeKey}"]`,
      message:
        `${typeKey}: ${type} turns JobManager HA off for upgradeMode ${input.upgradeMode}: a restarted ` +
        `JobManager would start the job again from the generation's first savepoint, processing everything ` +
        `since then twice`,
      hint:
        `Remove ${typeKey} (flink-deploy runs Kubernetes HA by default), or set ${haOptOutField}: true to ` +
        `accept that risk.`,
    });
  }
  if (type !== undefined && !isNoneType(type) && input.optOut === true) {
    issues.push({
      code: SpecIssueCode.InvalidValue,
      path: haOptOutField,
      message: `${haOptOutField} is true but ${typeKey} is ${type}`,
      hint: `Remove one of them.`,
    });
  }
  const haOn = type !== undefined ? !isNoneType(type) : stateful && input.optOut !== true;
  if (haOn && input.config[haStorageDirKey] === undefined && !input.stateDirGiven) {
    issues.push({
      code: SpecIssueCode.Required,
      path: `${input.configPath}["${haStorageDirKey}"]`,
      message:
        `JobManager HA needs storage for its metadata (${haStorageDirKey}), and no checkpoint or savepoint ` +
        `directory is set to put it in`,
      hint: `Set ${haStorageDirKey}, or a checkpoint directory (execution.checkpointing.dir).`,
    });
  }
  const namespaceKey = 'kubernetes.namespace';
  const namespace = input.config[namespaceKey];
  if (namespace !== undefined && namespace !== input.namespace) {
    issues.push({
      code: SpecIssueCode.OwnedKey,
      path: `${input.configPath}["${namespaceKey}"]`,
      message: `"${namespaceKey}" is ${namespace}, but the application runs in namespace ${input.namespace}`,
      hint:
        `Remove the key: flink-deploy sets it to metadata.namespace (Flink's HA ConfigMaps live beside the ` +
        `application).`,
    });
  }
  return issues;
}
