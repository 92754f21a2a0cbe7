/**
 * The zod schema of a FlinkDeployment manifest (`flink.apache.org/v1beta1`), after the
 * Apache Flink Kubernetes Operator's CRD. Objects are strict (unknown fields are errors);
 * single-value checks carry a hint in `params.hint`. Features we do not support yet are
 * accepted here and refused in `refusals.ts`, so they get one clear message.
 */
import { z } from 'zod';
import { ImagePullPolicy, JobState, OnJobFailureAction, UpgradeMode, UpgradeStrategy } from './types';
import {
  appNameProblem,
  isDns1123Label,
  isDns1123Subdomain,
  isImageReference,
  isJavaClassName,
  isAbsoluteStatePath,
  jarUriProblem,
} from './validators';
import { parseCpu, parseMemoryMiB } from './quantities';
import { maxParallelism, maxReplicas } from './count-limits';
import { parseFlinkVersion } from './flink-version';
import { ingressSchema } from './ingress';

/** A string check with a message and a hint (every schema of a manifest document shares it). */
export function checked(test: (value: string) => { message: string; hint: string } | undefined): z.ZodString {
  return z.string().superRefine((value, ctx) => {
    const problem = test(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message, params: { hint: problem.hint } });
  });
}

const appName = checked((v) => appNameProblem(v));
const namespace = checked((v) =>
  isDns1123Label(v)
    ? undefined
    : {
        message: `"${v}" is not a valid namespace name`,
        hint: "Use at most 63 lower-case letters, digits and '-'.",
      },
);
const serviceAccount = checked((v) =>
  isDns1123Subdomain(v)
    ? undefined
    : {
        message: `"${v}" is not a valid ServiceAccount name`,
        hint: "Use lower-case letters, digits, '-' and '.'.",
      },
);
const image = checked((v) =>
  isImageReference(v)
    ? undefined
    : {
        message: `"${v}" is not a valid image reference`,
        hint: 'Use e.g. flink:2.2, registry.example.com/team/my-job:1.4.0 or …@sha256:<digest>.',
      },
);
const jarUri = checked((v) => jarUriProblem(v));
const className = checked((v) =>
  isJavaClassName(v)
    ? undefined
    : {
        message: `"${v}" is not a Java class name`,
        hint: 'Use the fully qualified name, e.g. org.example.MyJob.',
      },
);
/** A job argument: any text a command line can carry (a NUL byte would cut it there). */
export const jobArgument = checked((v) =>
  v.includes('\u0000')
    ? {
        message: 'a job argument holds a NUL byte: a command line cannot carry it (the job would see it cut there)',
        hint: 'Leave the NUL byte out; pass binary data as a file (in the image or a mounted volume).',
      }
    : undefined,
);
const statePath = checked((v) =>
  isAbsoluteStatePath(v)
    ? undefined
    : {
        message: `"${v}" is not an absolute savepoint path`,
        hint: 'Use a URI with a scheme (s3://bucket/savepoints/savepoint-…, file:///… or file:/…) or an absolute path.',
      },
);
const flinkVersion = checked((v) =>
  parseFlinkVersion(v)
    ? undefined
    : {
        message: `"${v}" is not a Flink version`,
        hint: "Use the operator's form: v1_18, v1_19, v1_20, v2_0, v2_1, v2_2, …",
      },
);

const cpu = z.union([z.number(), z.string()]).superRefine((value, ctx) => {
  if (parseCpu(value) === undefined)
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not a CPU quantity`,
      params: { hint: 'Use cores (0.5, 1, 2) or millicores ("500m").' },
    });
});
const memory = z.union([z.number(), z.string()]).superRefine((value, ctx) => {
  if (parseMemoryMiB(value) === undefined)
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not a memory size`,
      params: { hint: 'Use e.g. "2048m", "2g" (Flink) or "2Gi", "1024Mi" (Kubernetes).' },
    });
});
const positiveInt = z.number().int().min(1);
const nonce = z.number().int();

/** `resource: { cpu, memory }` (the operator's own form). */
const resource = z.strictObject({
  cpu: cpu.optional(),
  memory: memory.optional(),
  ephemeralStorage: z.string().optional(),
});
/** `resources: { requests, limits }` (Kubernetes' form). */
const resourceList = z.record(z.string(), z.union([z.number(), z.string()]));
const resources = z.strictObject({
  requests: resourceList.optional(),
  limits: resourceList.optional(),
  claims: z.array(z.unknown()).optional(),
});

/** A PodTemplateSpec: checked structurally; its inner fields follow Kubernetes' own schema. */
const podTemplate = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z.looseObject({}).optional(),
  spec: z
    .looseObject({
      containers: z.array(z.looseObject({ name: z.string() })).optional(),
      initContainers: z.array(z.looseObject({ name: z.string() })).optional(),
      volumes: z.array(z.looseObject({ name: z.string() })).optional(),
    })
    .optional(),
});

const component = z.strictObject({
  replicas: positiveInt.max(maxReplicas).optional(),
  resource: resource.optional(),
  resources: resources.optional(),
  podTemplate: podTemplate.optional(),
});

const job = z.strictObject({
  jarURI: jarUri,
  entryClass: className.optional(),
  args: z.array(jobArgument).optional(),
  parallelism: positiveInt.max(maxParallelism).optional(),
  upgradeMode: z.enum(Object.values(UpgradeMode)).optional(),
  state: z.enum(Object.values(JobState)).optional(),
  allowNonRestoredState: z.boolean().optional(),
  initialSavepointPath: statePath.optional(),
  savepointTriggerNonce: nonce.optional(),
  /** The autoscaler's; accepted and ignored (a note says so, src/spec/notes.ts). */
  autoscalerResetNonce: nonce.optional(),
  // Refused in refusals.ts:
  checkpointTriggerNonce: z.unknown().optional(),
  savepointRedeployNonce: z.unknown().optional(),
});

/** `spec.flinkDeploy.stability` (of a FlinkDeployment and of a FlinkSessionJob). */
export const stabilitySchema = z.strictObject({
  windowSeconds: positiveInt.optional(),
  requireCheckpoint: z.boolean().optional(),
  timeoutSeconds: positiveInt.optional(),
});

/** Our own options (`spec.flinkDeploy`); the Apache operator does not know this block. */
const flinkDeploy = z.strictObject({
  stability: stabilitySchema.optional(),
  savepointFallback: z
    .strictObject({
      allowCheckpoint: z.boolean().optional(),
      maxCheckpointAgeSeconds: positiveInt.optional(),
    })
    .optional(),
  onJobFailure: z.enum(Object.values(OnJobFailureAction)).optional(),
  maxFailureRestartsPerHour: positiveInt.optional(),
  /** Run a savepoint/last-state application without JobManager HA (src/spec/high-availability.ts). */
  unsafeDisableJobManagerHA: z.boolean().optional(),
  /** How an upgrade replaces the running job (src/spec/types.ts UpgradeStrategy). */
  upgrade: z
    .strictObject({
      strategy: z.enum(Object.values(UpgradeStrategy)).optional(),
      /** A session cluster's upgrade while session jobs run on it: refused, or carried over (src/spec/types.ts). */
      jobs: z.enum(['refuse', 'carry-over']).optional(),
    })
    .optional(),
});

/** `spec` of a FlinkDeployment. */
export const flinkDeploymentSpecSchema = z.strictObject({
  image,
  imagePullPolicy: z.enum(Object.values(ImagePullPolicy)).optional(),
  flinkVersion,
  serviceAccount: serviceAccount.optional(),
  flinkConfiguration: z.record(z.string(), z.unknown()).optional(),
  logConfiguration: z.strictObject({ 'log4j-console.properties': z.string().optional() }).optional(),
  podTemplate: podTemplate.optional(),
  jobManager: component.optional(),
  taskManager: component.optional(),
  job: job.optional(),
  mode: z.enum(['standalone', 'native']).optional(),
  restartNonce: nonce.optional(),
  flinkDeploy: flinkDeploy.optional(),
  ingress: ingressSchema.optional(),
});

/** A whole FlinkDeployment document. */
export const flinkDeploymentSchema = z.strictObject({
  apiVersion: z.literal('flink.apache.org/v1beta1'),
  kind: z.literal('FlinkDeployment'),
  metadata: z.strictObject({
    name: appName,
    namespace: namespace.optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  spec: flinkDeploymentSpecSchema,
});

/** The manifest as the schema types it. */
export type FlinkDeploymentManifest = z.infer<typeof flinkDeploymentSchema>;
export type ComponentManifest = z.infer<typeof component>;
