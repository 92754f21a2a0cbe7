/**
 * The domain types of the application spec: what `parseAppSpec` returns, what `diffSpecs`
 * compares, and what the renderer turns into Kubernetes objects. Everything here is plain,
 * JSON-serialisable data (it travels in Temporal payloads and in the deployed-state record).
 */

/** How a running job is carried over to a new deployment. */
export const UpgradeMode = {
  /** Cancel and start fresh, no state carried over. */
  Stateless: 'stateless',
  /** Stop with a savepoint and restore the new job from it. */
  Savepoint: 'savepoint',
  /** Restore from the latest completed checkpoint. */
  LastState: 'last-state',
} as const;
export type UpgradeMode = (typeof UpgradeMode)[keyof typeof UpgradeMode];

/** The desired state of the job. */
export const JobState = {
  Running: 'running',
  Suspended: 'suspended',
} as const;
export type JobState = (typeof JobState)[keyof typeof JobState];

/** Kubernetes image pull policies. */
export const ImagePullPolicy = {
  Always: 'Always',
  IfNotPresent: 'IfNotPresent',
  Never: 'Never',
} as const;
export type ImagePullPolicy = (typeof ImagePullPolicy)[keyof typeof ImagePullPolicy];

/** A Flink version as major.minor (from `flinkVersion: v2_2`). */
export interface FlinkVersion {
  major: number;
  minor: number;
}

/** CPU and memory of one Flink process (JobManager or TaskManager). */
export interface ProcessResources {
  /** CPU cores requested (e.g. 0.5). */
  cpu: number;
  /** Memory in MiB; becomes the container memory request and limit and Flink's `*.memory.process.size`. */
  memoryMiB: number;
  /** CPU limit in cores, when the manifest gives `resources.limits.cpu`. */
  cpuLimit?: number;
  /** Ephemeral storage request and limit (a Kubernetes quantity), when given. */
  ephemeralStorage?: string;
}

/** A Kubernetes PodTemplateSpec as the user wrote it (validated only structurally). */
export type PodTemplate = Record<string, unknown>;

/** One Flink process role. */
export interface ComponentSpec {
  replicas: number;
  resources: ProcessResources;
  /** The common `spec.podTemplate` merged with the role's own `podTemplate` (role wins). */
  podTemplate?: PodTemplate;
  /**
   * TaskManagers of a session cluster only, present only when true (the manifest sets no
   * `taskManager.replicas`): `replicas` is the least the cluster runs, and flink-deploy adds TaskManagers as its
   * session jobs need slots, as Flink's native resource manager starts them (docs/spec.md, "Session mode").
   */
  onDemand?: true;
}

/** The job of an application deployment. */
export interface JobSpec {
  /** e.g. `local:///opt/flink/usrlib/app.jar`, `https://…/app.jar`, `s3://…/app.jar`. */
  jarURI: string;
  /** Main class; when absent Flink reads `Main-Class` from the jar's manifest. */
  entryClass?: string;
  args: string[];
  parallelism: number;
  upgradeMode: UpgradeMode;
  state: JobState;
  allowNonRestoredState: boolean;
  /** Savepoint to start from on the first deploy. */
  initialSavepointPath?: string;
  /** Changing it (alone) asks for a savepoint of the running job. */
  savepointTriggerNonce?: number;
}

/**
 * How an upgrade replaces the running job (`spec.flinkDeploy.upgrade.strategy`). `recreate` (the
 * default) stops the job, then starts the new version in place; `blue-green` starts the new
 * generation's cluster while the old job runs, then moves the job over (docs/workflows.md).
 */
export const UpgradeStrategy = { Recreate: 'recreate', BlueGreen: 'blue-green' } as const;
export type UpgradeStrategy = (typeof UpgradeStrategy)[keyof typeof UpgradeStrategy];

/** How long and how strictly a new deployment is watched before it counts as stable. */
export interface StabilityOptions {
  /** The job must stay RUNNING without restarts this long. @default 30 */
  windowSeconds: number;
  /** At least one completed checkpoint is needed to be stable. @default true */
  requireCheckpoint: boolean;
  /** Give up (and roll back) when not stable within this time. @default 300 */
  timeoutSeconds: number;
}

/** What to do when the savepoint of an upgrade fails. */
export interface SavepointFallbackOptions {
  /** Use the latest completed checkpoint instead. @default false */
  allowCheckpoint: boolean;
  /** Only a checkpoint at most this old may be used. @default 600 */
  maxCheckpointAgeSeconds: number;
}

/** What the observer does when the job reaches the terminal state FAILED (`spec.flinkDeploy.onJobFailure`). */
export const OnJobFailureAction = {
  /** Tell people (Event JobFailed, `status`) and leave the job for a person. */
  Alert: 'alert',
  /** Start a restart from the latest retained checkpoint, at most `maxRestartsPerHour` times an hour. */
  Restart: 'restart',
} as const;
export type OnJobFailureAction = (typeof OnJobFailureAction)[keyof typeof OnJobFailureAction];

/** `spec.flinkDeploy.onJobFailure` and its limit; absent from the spec means `alert`. */
export interface OnJobFailureOptions {
  action: OnJobFailureAction;
  /** Restarts the observer may start in any hour. @default 3 */
  maxRestartsPerHour: number;
}

/** `spec.ingress`: an Ingress in front of the `<app>-rest` Service (src/spec/ingress.ts). */
export interface IngressSpec {
  /** As written, with `{{name}}`/`{{namespace}}`. */
  template: string;
  /** The template's host part, expanded; absent: every host. */
  host?: string;
  /** The template's path part, expanded (`/` when the template has none). */
  path: string;
  className?: string;
  annotations: Record<string, string>;
  labels: Record<string, string>;
  tls: { hosts?: string[]; secretName?: string }[];
}

/** The validated, normalised application spec. Deterministic for a given manifest. */
export interface AppSpec {
  /** Application name (`metadata.name`): a DNS-1035 label of at most 45 characters. */
  name: string;
  /** @default "default" */
  namespace: string;
  image: string;
  /** @default "IfNotPresent" */
  imagePullPolicy: ImagePullPolicy;
  flinkVersion: FlinkVersion;
  serviceAccount?: string;
  /** User labels and annotations from `metadata`, copied onto the rendered objects. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /**
   * Flat Flink configuration (nested maps flattened to dotted keys, values as strings, keys
   * sorted), with the savepoint/checkpoint directory keys in the names of `flinkVersion`.
   * Memory and slots live in their own fields, not here.
   */
  flinkConfiguration: Record<string, string>;
  /** `log4j-console.properties` from `spec.logConfiguration`, when given. */
  log4jConsoleProperties?: string;
  jobManager: ComponentSpec;
  taskManager: ComponentSpec;
  /** `taskmanager.numberOfTaskSlots`. @default 1 */
  slotsPerTaskManager: number;
  job: JobSpec;
  /** Changing it (alone) restarts the job. */
  restartNonce?: number;
  stability: StabilityOptions;
  savepointFallback: SavepointFallbackOptions;
  /** Set only when the manifest says (`spec.flinkDeploy.onJobFailure`); absent: `alert`. */
  onJobFailure?: OnJobFailureOptions;
  /**
   * `spec.flinkDeploy.unsafeDisableJobManagerHA`, present only when true: a savepoint/last-state
   * application runs without JobManager HA (a JobManager restart rewinds the job to the
   * generation's start savepoint). See src/spec/high-availability.ts.
   */
  unsafeDisableJobManagerHA?: true;
  /**
   * `spec.flinkDeploy.upgrade.strategy`, present only when `blue-green` (absent: `recreate`, so
   * the specs recorded before it existed hash the same).
   */
  upgradeStrategy?: typeof UpgradeStrategy.BlueGreen;
  /** `spec.ingress`, when the manifest has one: rendered as an Ingress to the `<app>-rest` Service. */
  ingress?: IngressSpec;
  /**
   * Present only when true: a session cluster (a FlinkDeployment without `spec.job`; docs/spec.md,
   * "Session mode"). It runs no job of its own: `job` then holds only the default parallelism of the
   * jobs submitted to it (`jarURI` empty, `upgradeMode` stateless, `state` running).
   */
  sessionCluster?: true;
  /**
   * `spec.flinkDeploy.upgrade.jobs: carry-over`, present only then (a session cluster): an upgrade of the
   * cluster suspends the FlinkSessionJobs running on it (each with a savepoint, under its own lock), rolls
   * the cluster out, and resumes them from those savepoints. Absent: the upgrade is refused while jobs run.
   */
  carryJobsOnUpgrade?: true;
  /**
   * Present only for a FlinkSessionJob (docs/spec.md, "Session jobs"): a job submitted to the session
   * cluster `deploymentName` in the same namespace, with a record and lock of its own under its name.
   * Its cluster-level fields (image, flinkVersion, jobManager, taskManager, slots) are placeholders the
   * workflows never act on: the job runs on its cluster's.
   */
  sessionJob?: { deploymentName: string };
  /** The manifest document the spec came from, as parsed. */
  manifest: Record<string, unknown>;
}

/**
 * Something in a valid manifest that flink-deploy accepts but ignores or runs differently than
 * the Apache operator would (mode: native, operator-only keys, canaries): said by validate, plan and apply.
 */
export interface SpecNote {
  /** Dotted field path, as in `SpecIssue`. */
  path: string;
  message: string;
  /** Index of the YAML document in a multi-document file, when there are several. */
  document?: number;
}

/** Stable codes of spec issues. */
export const SpecIssueCode = {
  Empty: 'empty',
  YamlSyntax: 'yaml-syntax',
  NotAMapping: 'not-a-mapping',
  UnknownField: 'unknown-field',
  Required: 'required',
  InvalidType: 'invalid-type',
  InvalidValue: 'invalid-value',
  Unsupported: 'unsupported',
  OwnedKey: 'owned-key',
  /** The file is larger than flink-deploy reads. */
  TooLarge: 'too-large',
  /** Bytes that are not UTF-8. */
  NotUtf8: 'not-utf8',
  /** YAML anchors and aliases that expand too far (an alias bomb). */
  TooManyAliases: 'too-many-aliases',
  /** Mappings and lists nested deeper than flink-deploy reads. */
  TooDeep: 'too-deep',
  /** The spec does not fit a limit of Temporal, Kubernetes or Linux. */
  LimitExceeded: 'limit-exceeded',
} as const;
export type SpecIssueCode = (typeof SpecIssueCode)[keyof typeof SpecIssueCode];

/** One problem with a manifest: where, what, and how to fix it. */
export interface SpecIssue {
  code: SpecIssueCode;
  /** Dotted field path such as `spec.job.parallelism`; `""` for the whole document. */
  path: string;
  message: string;
  hint?: string;
  /** 1-based line/column for YAML syntax errors. */
  line?: number;
  column?: number;
  /** Index of the YAML document in a multi-document file, when there are several. */
  document?: number;
}

/** The outcome of parsing and validating a manifest: a spec or every issue found. */
export type ParseResult = { ok: true; spec: AppSpec; notes?: SpecNote[] } | { ok: false; issues: SpecIssue[] };

/** The class of change between the deployed and the desired spec. */
export const ChangeClass = {
  /** Nothing to do on the cluster (changes, if any, are only recorded). */
  None: 'none',
  /** Nothing deployed yet: first deployment. */
  Deploy: 'deploy',
  /** Only the number of TaskManagers changes; the job keeps running. */
  Scale: 'scale',
  /** The job must be redeployed according to its upgradeMode. */
  Upgrade: 'upgrade',
  /** job.state running → suspended. */
  Suspend: 'suspend',
  /** job.state suspended → running. */
  Resume: 'resume',
  /** Only savepointTriggerNonce changed: take a savepoint. */
  SavepointOnly: 'savepoint-only',
  /** Only restartNonce changed: redeploy the same spec. */
  Restart: 'restart',
  /** Only spec.ingress changed: apply (or delete) the Ingress; the job keeps running. */
  Ingress: 'ingress',
} as const;
export type ChangeClass = (typeof ChangeClass)[keyof typeof ChangeClass];

/** What a changed field needs. */
export const ChangeEffect = {
  Deploy: 'deploy',
  Upgrade: 'upgrade',
  Scale: 'scale',
  Suspend: 'suspend',
  Resume: 'resume',
  Savepoint: 'savepoint',
  Restart: 'restart',
  /** Applied to the Ingress alone (spec.ingress); the job keeps running. */
  Ingress: 'ingress',
  /** Recorded in the deployed state; takes effect on the next upgrade/restore/resume. */
  Recorded: 'recorded',
} as const;
export type ChangeEffect = (typeof ChangeEffect)[keyof typeof ChangeEffect];

/** One changed field and what it needs. `from`/`to` are JSON values (undefined = not set). */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
  effect: ChangeEffect;
}

/** The result of `diffSpecs`. */
export interface SpecChange {
  class: ChangeClass;
  /** Every changed field, in a stable order. */
  changes: FieldChange[];
  /** savepointTriggerNonce changed: a savepoint is wanted as well (implied by upgrade/suspend). */
  savepointRequested: boolean;
  /** One line for humans, e.g. "upgrade: image, job.parallelism". */
  summary: string;
}
