/**
 * `FlinkSessionJob` manifests: a job submitted to a session cluster (a FlinkDeployment without
 * `spec.job`: AppSpec.sessionCluster), its jar fetched by the worker from an allowed scheme. Valid, it
 * is an AppSpec marked `sessionJob` (its cluster-level fields placeholders), run by the same workflows.
 */
import { z } from 'zod';
import { defaultSessionJarSchemes, sessionJarSchemesEnv, type SessionJarScheme } from './session-jar-schemes';
import { appNameProblem, isAbsoluteStatePath, isDns1123Label, isJavaClassName } from './validators';
import { fromZodIssues } from './zod-issues';
import { flattenConfiguration, ownedKeyIssues } from './flink-config';
import { fileOneSlashIssues } from './file-one-slash';
import { savepointFormatIssues } from './savepoint-format';
import { checkpointIntervalIssues, checkpointIntervalKey } from './guarantees';
import { JobState, UpgradeMode, type AppSpec, type SpecIssue, type SpecNote } from './types';
import { deploymentNotes } from './notes';
import { launchIssues } from './launch-checks';
import { hasCredentials, redactedUri } from './uris';
import { maxParallelism, parallelismIssues } from './count-limits';
import { jobOptionValueIssues } from './flink-option-values';
import { stabilityLimitIssues, stabilityOrderIssues } from './stability-limits';
import { checked, jobArgument, stabilitySchema } from './schema';
import * as defaults from './defaults';

/** A session job as `validate` reports it. */
export interface SessionJobSummary {
  name: string;
  namespace: string;
  deploymentName: string;
  jarURI: string;
  /** jarURI is a placeholder (`isJarUriPlaceholder`): valid to check, never to run. */
  jarUriPlaceholder: boolean;
  parallelism?: number;
  upgradeMode: UpgradeMode;
  state: JobState;
}

/**
 * A jar URI left as a placeholder to fill in, e.g. `STREAMING_EXAMPLES_JAR_URL` (the Apache operator's
 * e2e manifests are templates its scripts fill in): upper-case letters, digits and '_'.
 */
export function isJarUriPlaceholder(value: string): boolean {
  return /^[A-Z][A-Z0-9_]*$/.test(value);
}

/** What is wrong with a session job's jar URI under the allowed schemes. */
export function sessionJarUriProblem(
  value: string,
  allowed: readonly SessionJarScheme[],
): { message: string; hint: string } | undefined {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)(\/[^?#]*)?/.exec(value);
  if (!match) {
    return {
      message: `"${value}" is not a URI with a scheme`,
      hint: `Give the jar's URI, e.g. https://repo.example.com/jobs/my-job-1.0.jar or s3://bucket/jobs/my-job.jar.`,
    };
  }
  const scheme = (match[1] ?? '').toLowerCase();
  if (!(allowed as readonly string[]).includes(scheme)) {
    const optIn = scheme === 'http' || scheme === 'file';
    return {
      message: `jar URI scheme "${scheme}" is not allowed for a FlinkSessionJob (allowed: ${allowed.join(', ')})`,
      hint: optIn
        ? `Use https:// or s3://, or allow ${scheme} with the setting ${sessionJarSchemesEnv} ` +
          `(e.g. ${sessionJarSchemesEnv}=${[...allowed, scheme].join(',')}).`
        : `The worker fetches session jars from ${allowed.join(', ')} only; local:// jars need an application ` +
          '(a FlinkDeployment with spec.job).',
    };
  }
  const host = match[2] ?? '';
  const path = match[3] ?? '';
  if (scheme !== 'file' && host === '')
    return { message: `"${value}" names no host or bucket`, hint: `Write ${scheme}://<host or bucket>/path/job.jar.` };
  if (scheme === 'file' && host !== '')
    return { message: `a file:// jar URI needs an absolute path (three slashes)`, hint: 'Write file:///path/job.jar.' };
  if (!/[^/]\.jar$/i.test(path))
    return { message: `"${value}" does not name a .jar file`, hint: 'Point jarURI at the job jar itself.' };
  if (/(^|\/)\.\.(\/|$)/.test(path))
    return { message: `"${value}" has a ".." path segment`, hint: 'Give the jar path without "..".' };
  if (hasCredentials(value))
    return {
      message: `"${redactedUri(value)}" carries credentials in the URI`,
      hint: 'Remove user:password@ from the URI; give object-store credentials to the worker instead.',
    };
  return undefined;
}

function sessionJobSchema(allowed: readonly SessionJarScheme[]) {
  const name = checked((v) => appNameProblem(v, 'name'));
  const namespace = checked((v) =>
    isDns1123Label(v)
      ? undefined
      : { message: `"${v}" is not a valid namespace name`, hint: "Use at most 63 lower-case letters, digits and '-'." },
  );
  const positiveInt = z.number().int().min(1);
  const nonce = z.number().int();
  return z.strictObject({
    apiVersion: z.literal('flink.apache.org/v1beta1'),
    kind: z.literal('FlinkSessionJob'),
    metadata: z.strictObject({
      name,
      namespace: namespace.optional(),
      labels: z.record(z.string(), z.string()).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
    }),
    spec: z.strictObject({
      deploymentName: name,
      job: z.strictObject({
        jarURI: checked((v) => (isJarUriPlaceholder(v) ? undefined : sessionJarUriProblem(v, allowed))),
        entryClass: checked((v) =>
          isJavaClassName(v)
            ? undefined
            : {
                message: `"${v}" is not a Java class name`,
                hint: 'Use the fully qualified name, e.g. org.example.MyJob.',
              },
        ).optional(),
        args: z.array(jobArgument).optional(),
        parallelism: positiveInt.max(maxParallelism).optional(),
        upgradeMode: z.enum(Object.values(UpgradeMode)).optional(),
        state: z.enum(Object.values(JobState)).optional(),
        allowNonRestoredState: z.boolean().optional(),
        initialSavepointPath: checked((v) =>
          isAbsoluteStatePath(v)
            ? undefined
            : {
                message: `"${v}" is not an absolute savepoint path`,
                hint: 'Use a URI with a scheme or an absolute path.',
              },
        ).optional(),
        savepointTriggerNonce: nonce.optional(),
        checkpointTriggerNonce: nonce.optional(),
        savepointRedeployNonce: nonce.optional(),
        autoscalerResetNonce: nonce.optional(),
      }),
      flinkConfiguration: z.record(z.string(), z.unknown()).optional(),
      /** Our own options, as a FlinkDeployment's `spec.flinkDeploy`: how the job is judged stable. */
      flinkDeploy: z.strictObject({ stability: stabilitySchema.optional() }).optional(),
      restartNonce: nonce.optional(),
    }),
  });
}

/** Validates a FlinkSessionJob document: its summary and notes, or every issue. */
export function validateSessionJob(
  document: Record<string, unknown>,
  options: {
    jarSchemes?: readonly SessionJarScheme[];
    launchChecks?: boolean;
    specChecks3?: boolean;
    specChecks4?: boolean;
    specChecks5?: boolean;
  } = {},
): { ok: true; job: SessionJobSummary; spec: AppSpec; notes: SpecNote[] } | { ok: false; issues: SpecIssue[] } {
  const schema = sessionJobSchema(options.jarSchemes ?? defaultSessionJarSchemes);
  const issues: SpecIssue[] = [];
  const spec = document.spec;
  const rawConfig =
    typeof spec === 'object' && spec !== null && !Array.isArray(spec)
      ? (spec as Record<string, unknown>).flinkConfiguration
      : undefined;
  const flat = flattenConfiguration(
    typeof rawConfig === 'object' && rawConfig !== null && !Array.isArray(rawConfig)
      ? (rawConfig as Record<string, unknown>)
      : {},
    'spec.flinkConfiguration',
  );
  issues.push(
    ...flat.issues,
    ...ownedKeyIssues(flat.config, 'spec.flinkConfiguration'),
    ...savepointFormatIssues(flat.config, 'spec.flinkConfiguration'),
    ...checkpointIntervalIssues(flat.config),
  );
  const parsed = schema.safeParse(document, { reportInput: true });
  if (!parsed.success) issues.push(...fromZodIssues(parsed.error.issues, schema));
  const specChecks3 = options.specChecks3 ?? true;
  if (options.launchChecks ?? true) {
    // The ValidateOptions.launchChecks of src/spec/parse.ts: its restore path and state directories (its jar is
    // the worker's to fetch).
    const named = new Set(issues.map((issue) => issue.path));
    const launch = launchIssues({ document, config: flat.config, jarFetchedByFlink: false, specChecks3 });
    issues.push(...launch.filter((issue) => !named.has(issue.path)));
  }
  if (parsed.success) {
    const parallelism = parsed.data.spec.job.parallelism ?? 1;
    const configPath = 'spec.flinkConfiguration';
    issues.push(...parallelismIssues({ parallelism, from: 'spec.job.parallelism', config: flat.config, configPath }));
  }
  if (specChecks3) {
    // ValidateOptions.specChecks3: the values Flink reads with the job, of keys no check above has named.
    const named = new Set(issues.map((issue) => issue.path));
    const values = jobOptionValueIssues(flat.config, 'spec.flinkConfiguration');
    issues.push(...values.filter((issue) => !named.has(issue.path)));
    if (parsed.success) issues.push(...stabilityLimitIssues(parsed.data.spec.flinkDeploy?.stability));
  }
  // ValidateOptions.specChecks4: a stability timeout not longer than the window, refused as a FlinkDeployment's.
  if ((options.specChecks4 ?? true) && parsed.success)
    issues.push(...stabilityOrderIssues(parsed.data.spec.flinkDeploy?.stability));
  // ValidateOptions.specChecks5 false: a restore path `file:/…` refused, as before.
  if (options.specChecks5 === false) issues.push(...fileOneSlashIssues(document));
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };
  const { metadata, spec: jobSpec } = parsed.data;
  return {
    ok: true,
    spec: sessionJobAppSpec(parsed.data, flat.config, document),
    job: {
      name: metadata.name,
      namespace: metadata.namespace ?? 'default',
      deploymentName: jobSpec.deploymentName,
      jarURI: jobSpec.job.jarURI,
      jarUriPlaceholder: isJarUriPlaceholder(jobSpec.job.jarURI),
      ...(jobSpec.job.parallelism !== undefined ? { parallelism: jobSpec.job.parallelism } : {}),
      upgradeMode: jobSpec.job.upgradeMode ?? UpgradeMode.Stateless,
      state: jobSpec.job.state ?? JobState.Running,
    },
    notes: [
      ...(isJarUriPlaceholder(jobSpec.job.jarURI)
        ? [
            {
              path: 'spec.job.jarURI',
              message:
                `jarURI ${jobSpec.job.jarURI} is a placeholder to fill in, not a URI: the file is checked, but the ` +
                'job cannot run until it names the jar (https:// or s3://)',
            },
          ]
        : []),
      ...deploymentNotes(jobSpec, flat.config, 'spec.flinkConfiguration'),
    ],
  };
}

type SessionJobManifest = z.infer<ReturnType<typeof sessionJobSchema>>;

/**
 * The AppSpec of a valid FlinkSessionJob: the job's fields as an application's, `sessionJob` naming its
 * cluster, and placeholders for the cluster-level fields (its cluster's own apply). Deterministic.
 */
function sessionJobAppSpec(
  manifest: SessionJobManifest,
  config: Record<string, string>,
  document: Record<string, unknown>,
): AppSpec {
  const { metadata, spec } = manifest;
  const { job } = spec;
  const stability = spec.flinkDeploy?.stability;
  const placeholder = { replicas: 1, resources: { ...defaults.defaultTaskManagerResources } };
  return {
    name: metadata.name,
    namespace: metadata.namespace ?? defaults.defaultNamespace,
    image: '',
    imagePullPolicy: 'IfNotPresent',
    flinkVersion: { major: 0, minor: 0 },
    labels: { ...(metadata.labels ?? {}) },
    annotations: { ...(metadata.annotations ?? {}) },
    flinkConfiguration: Object.fromEntries(Object.entries(config).sort(([a], [b]) => a.localeCompare(b))),
    jobManager: placeholder,
    taskManager: placeholder,
    slotsPerTaskManager: 1,
    job: {
      jarURI: job.jarURI,
      ...(job.entryClass !== undefined ? { entryClass: job.entryClass } : {}),
      args: [...(job.args ?? [])],
      parallelism: job.parallelism ?? 1,
      upgradeMode: job.upgradeMode ?? UpgradeMode.Stateless,
      state: job.state ?? JobState.Running,
      allowNonRestoredState: job.allowNonRestoredState ?? false,
      ...(job.initialSavepointPath !== undefined ? { initialSavepointPath: job.initialSavepointPath } : {}),
      ...(job.savepointTriggerNonce !== undefined ? { savepointTriggerNonce: job.savepointTriggerNonce } : {}),
    },
    ...(spec.restartNonce !== undefined ? { restartNonce: spec.restartNonce } : {}),
    stability: {
      windowSeconds: stability?.windowSeconds ?? defaults.defaultStabilityWindowSeconds,
      // Checkpointing is on when the job's configuration sets an interval (its cluster's is not known here).
      requireCheckpoint: stability?.requireCheckpoint ?? config[checkpointIntervalKey] !== undefined,
      timeoutSeconds: stability?.timeoutSeconds ?? defaults.defaultStabilityTimeoutSeconds,
    },
    savepointFallback: { allowCheckpoint: false, maxCheckpointAgeSeconds: defaults.defaultMaxCheckpointAgeSeconds },
    sessionJob: { deploymentName: spec.deploymentName },
    manifest: document,
  };
}
