/**
 * The typed configuration of flink-deploy, shared by the CLI and the worker (style.md §11):
 * one table of settings, each with its key, type, default, description, environment
 * variables and command-line flag. `loadSettings(flags, env)` reads them once, in this order:
 * flag, then environment (for the Temporal connection: `@temporalio/envconfig`, i.e. the
 * `TEMPORAL_*` variables over the TOML profile), then the default.
 */
import { readFileSync } from 'node:fs';
import type * as EnvConfig from '@temporalio/envconfig';
import type { ClientConfigProfile } from '@temporalio/envconfig';
import { z } from 'zod';
import { formatDuration, maxTimerMs, parseDuration } from './durations';
import { KeyringError, loadKeyring, type Keyring } from '../codec/keyring';
import {
  defaultSessionJarSchemes,
  parseSessionJarSchemes,
  sessionJarSchemesEnv,
  type SessionJarScheme,
} from '../spec/session-jar-schemes';

/** How the worker reaches a Flink JobManager's REST API. */
export const FlinkEndpointMode = {
  /** `http://<app>-rest.<ns>.svc:8081`: inside the cluster. */
  ServiceDns: 'service-dns',
  /** The ready address of the `<app>-rest` Service's EndpointSlice: outside the cluster (local stack). */
  EndpointSlice: 'endpoint-slice',
} as const;
export type FlinkEndpointMode = (typeof FlinkEndpointMode)[keyof typeof FlinkEndpointMode];

/** Log levels (pino's). */
export const LogLevel = {
  Trace: 'trace',
  Debug: 'debug',
  Info: 'info',
  Warn: 'warn',
  Error: 'error',
  Fatal: 'fatal',
  Silent: 'silent',
} as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/** Which commands show a setting's flag. */
export const SettingGroup = {
  /** Every command that talks to Temporal. */
  Temporal: 'temporal',
  /** Commands that read the cluster (status, plan, history) and the worker. */
  Kubernetes: 'kubernetes',
  /** The worker only. */
  Worker: 'worker',
  /** `codec-server` only. */
  CodecServer: 'codec-server',
} as const;
export type SettingGroup = (typeof SettingGroup)[keyof typeof SettingGroup];

/** The loaded settings. */
export interface Settings {
  /** Temporal frontend `host:port`. @default "127.0.0.1:7233" */
  temporalAddress: string;
  /** Temporal namespace. @default "default" */
  temporalNamespace: string;
  /** Temporal Cloud API key (implies TLS). */
  temporalApiKey?: string;
  /** The API key read from `--api-key-file` (never shown). */
  temporalApiKeyFile?: string;
  /** Force TLS on (true) or off (false); unset: on when a certificate or API key is given. */
  temporalTls?: boolean;
  temporalTlsCertPath?: string;
  temporalTlsKeyPath?: string;
  temporalTlsCaPath?: string;
  temporalTlsServerName?: string;
  /**
   * Payload keys (docs/security.md): set, every payload this process writes to Temporal is
   * encrypted (AES-256-GCM) and every encrypted one it reads decrypted. Unset: plain payloads.
   */
  payloadKeys?: Keyring;
  /** `host:port` the codec server listens on. @default "127.0.0.1:8888" */
  codecServerAddress: string;
  /** Browser origins the codec server answers (the Web UI's). @default ["http://127.0.0.1:8233"] */
  codecServerOrigins: string[];
  /** The bearer token the codec server requires, read from `--auth-token-file` (never shown). */
  codecServerToken?: string;
  /** Profile of the Temporal TOML config file. @default "default" */
  temporalProfile: string;
  /** Task queue of the flink-deploy worker. @default "flink-deploy" */
  taskQueue: string;
  /** Base URL of the Temporal Web UI, for links. @default "http://127.0.0.1:8233" */
  uiUrl: string;
  /** Kubeconfig file; unset: the default lookup (KUBECONFIG, ~/.kube/config, in-cluster). */
  kubeconfig?: string;
  /** Kubeconfig context; unset: the current context. */
  kubeContext?: string;
  /** How the worker reaches Flink REST. @default endpoint-slice, service-dns in a cluster */
  flinkEndpoint: FlinkEndpointMode;
  /** `host:port` of the worker's health endpoint (`/readyz`, `/livez`); unset: none. */
  healthAddress?: string;
  /**
   * The pod's service-account folder (token, ca.crt, namespace), read when the worker runs in a
   * cluster with no kubeconfig given. @default "/var/run/secrets/kubernetes.io/serviceaccount"
   */
  serviceAccountDir: string;
  /**
   * A workflow bundle built ahead of time (`bundleWorkflowCode`) for the worker to load, instead of the
   * installed package's `dist/workflow-bundle.js` or, in a checkout, bundling the source at start.
   */
  workflowBundle?: string;
  /** `host:port` of the worker's Prometheus metrics. @default "127.0.0.1:9464" */
  metricsAddress: string;
  /** How often to poll (CLI progress, worker waits), ms. @default 2000 */
  pollIntervalMs: number;
  /** Timeout of one Flink REST request, ms. @default 10000 */
  flinkRequestTimeoutMs: number;
  /** HTTP proxy the worker sends Flink REST requests through; unset: direct. */
  flinkProxy?: string;
  /** How often the worker polls a savepoint's status, ms. @default 200 */
  savepointPollIntervalMs: number;
  /** How long a savepoint waits for the job's tasks to be RUNNING before triggering, ms. @default 120000 */
  tasksRunningTimeoutMs: number;
  /**
   * How long a savepoint waits out a JobManager failover (no endpoint, refused, 503 during the leader
   * election, the job recovering, the trigger forgotten) before it fails saying no savepoint was taken, ms.
   * @default 300000
   */
  savepointFailoverTimeoutMs: number;
  /**
   * How many savepoint triggers an operation tries in all when Flink fails them while the job is failing over
   * (a new trigger id each time, recorded first; src/workflows/savepoint-retry.ts); 1: never tried again.
   * @default 3
   */
  savepointFailoverAttempts: number;
  /**
   * Jar URI schemes a FlinkSessionJob may use (src/spec/session-jar-schemes.ts).
   * @default ["https", "s3"]
   */
  sessionJarSchemes: SessionJarScheme[];
  /** The largest session job jar the worker fetches, MiB. @default 512 */
  sessionJarMaxMiB: number;
  /**
   * An S3-compatible server the worker fetches `s3://` jars from, path-style; unset: AWS S3. Credentials
   * and region are the AWS variables of the worker's environment (src/activities/session-jar.ts).
   */
  sessionJarS3Endpoint?: string;
  /**
   * Jar URI prefixes the worker fetches from a mirror instead (an air-gapped cluster's Maven proxy, say):
   * the first `from` a jarURI starts with is replaced by its `to`. Unset: none.
   */
  sessionJarMirrors?: { from: string; to: string }[];
  /** How long one savepoint disposal may take, ms. @default 60000 */
  disposalTimeoutMs: number;
  /** How long removing the Deployments waits for their pods to go, ms. @default 120000 */
  podsGoneTimeoutMs: number;
  /** Job restarts during the stability wait that fail the rollout. @default 3 */
  maxJobRestarts: number;
  /** Container restarts of one pod that count as a crash loop. @default 3 */
  maxPodRestarts: number;
  /** Time between two sweeps of the observer, ms. @default 15000 */
  observeIntervalMs: number;
  /** Namespaces the observer sweeps (comma-separated); unset: all namespaces. */
  observeNamespaces?: string[];
  /** Savepoint entries the deployed-state record keeps (disposed ones dropped first, oldest first). @default 100 */
  recordMaxSavepoints: number;
  /** @default "info" */
  logLevel: LogLevel;
  /**
   * The Temporal profile as `@temporalio/envconfig` loaded it (TOML file + TEMPORAL_* env),
   * before flags; it carries what has no setting of its own (inline TLS data, gRPC metadata).
   */
  temporalBaseProfile: ClientConfigProfile;
}

/** The keys of the settings in the table. */
export type SettingKey = Exclude<keyof Settings, 'temporalBaseProfile'>;

/** Environment variables, as `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Raw flag values by setting key, as commander parsed them. */
export type SettingFlags = Partial<Record<SettingKey, string | boolean | undefined>>;

/** One row of the settings table. */
export interface SettingDefinition {
  key: SettingKey;
  /** Dotted name used in messages and docs. */
  name: string;
  group: SettingGroup;
  /** Other groups whose commands take this setting too (the payload keys: the codec server). */
  alsoIn?: readonly SettingGroup[];
  description: string;
  /** Environment variables, first wins. */
  env: readonly string[];
  /** Commander flag spec, e.g. `--address <host:port>`. */
  flag: string;
  /** The default as text, or a function of the environment; unset: no default (optional). */
  default?: string | ((env: Env) => string);
  /** Default as shown in help when it depends on the environment. */
  defaultText?: string;
  /** Parses the raw text. */
  schema: z.ZodType<unknown>;
  /** Read from the envconfig profile rather than env directly. */
  fromProfile?: (profile: ClientConfigProfile) => string | undefined;
  /** Never print the value. */
  secret?: boolean;
}

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:7233');
const nonEmpty = z.string().trim().min(1, 'must not be empty');
const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'expected an http(s) URL, e.g. http://127.0.0.1:8233')
  .transform((url) => url.replace(/\/+$/, ''));
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => ['true', '1', 'yes'].includes(value));
const count = z
  .string()
  .regex(/^\d+$/, 'expected a whole number, e.g. 3')
  .transform(Number)
  .refine((n) => n >= 1, 'must be at least 1');
/** A duration of at least `minMs` (a poll: a shorter one floods Flink and the API server) and at most a timer's. */
const durationOf = (minMs = 1) =>
  z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: 'expected a positive duration such as 500ms, 2s, 10m, 1h' });
      return z.NEVER;
    }
    if (ms < minMs) {
      ctx.addIssue({
        code: 'custom',
        message: `at least ${formatDuration(minMs)} (a poll more often floods Flink and the Kubernetes API)`,
      });
      return z.NEVER;
    }
    if (ms > maxTimerMs) {
      ctx.addIssue({ code: 'custom', message: `at most ${formatDuration(maxTimerMs)} (the longest a timer waits)` });
      return z.NEVER;
    }
    return ms;
  });
const duration = durationOf();

/** A path whose file holds a secret (`what`): read once, trimmed; the secret itself is the value. */
const secretFile = (what: string) =>
  z.string().transform((file, ctx) => {
    let key: string;
    try {
      key = readFileSync(file, 'utf8').trim();
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      });
      return z.NEVER;
    }
    if (!key) {
      ctx.addIssue({ code: 'custom', message: `${file} is empty: expected ${what}` });
      return z.NEVER;
    }
    return key;
  });
const apiKeyFile = secretFile('the API key');

/** A key file or Secret directory: its keys, read once and checked (a bad one is refused, named). */
const payloadKeys = z.string().transform((source, ctx) => {
  try {
    return loadKeyring(source);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof KeyringError ? err.message : String(err) });
    return z.NEVER;
  }
});

function tlsPath(source: { path: string } | { data: string | Uint8Array } | undefined): string | undefined {
  return source && 'path' in source ? source.path : undefined;
}

/** Every setting of flink-deploy. */
export const settingDefinitions: readonly SettingDefinition[] = [
  {
    key: 'temporalAddress',
    name: 'temporal.address',
    group: SettingGroup.Temporal,
    flag: '--address <host:port>',
    env: ['TEMPORAL_ADDRESS'],
    description: 'Temporal frontend address',
    default: '127.0.0.1:7233',
    schema: hostPort,
    fromProfile: (p) => p.address,
  },
  {
    key: 'temporalNamespace',
    name: 'temporal.namespace',
    group: SettingGroup.Temporal,
    flag: '--temporal-namespace <name>',
    env: ['TEMPORAL_NAMESPACE'],
    description: 'Temporal namespace',
    default: 'default',
    schema: nonEmpty,
    fromProfile: (p) => p.namespace,
  },
  {
    key: 'temporalApiKey',
    name: 'temporal.apiKey',
    group: SettingGroup.Temporal,
    flag: '--api-key <key>',
    env: ['TEMPORAL_API_KEY'],
    description:
      'Temporal Cloud API key (turns TLS on); a key on the command line shows in `ps`: ' +
      'prefer TEMPORAL_API_KEY or --api-key-file',
    schema: nonEmpty,
    fromProfile: (p) => p.apiKey,
    secret: true,
  },
  {
    key: 'temporalApiKeyFile',
    name: 'temporal.apiKeyFile',
    group: SettingGroup.Temporal,
    flag: '--api-key-file <path>',
    env: ['TEMPORAL_API_KEY_FILE'],
    description: 'file holding the Temporal Cloud API key (e.g. a mounted Secret); used when no key is given',
    schema: apiKeyFile,
    secret: true,
  },
  {
    key: 'payloadKeys',
    name: 'temporal.payloadKeys',
    group: SettingGroup.Temporal,
    flag: '--payload-keys <path>',
    env: ['FLINK_DEPLOY_PAYLOAD_KEYS'],
    description:
      'key file (lines <id>=<base64 32 bytes>, the last encrypts) or mounted Secret directory (a file per key, ' +
      'the greatest id encrypts): encrypt every payload in Temporal; the CLI, the worker and the codec server ' +
      'need the same keys',
    schema: payloadKeys,
    secret: true,
    alsoIn: [SettingGroup.CodecServer],
  },
  {
    key: 'codecServerAddress',
    name: 'codecServer.address',
    group: SettingGroup.CodecServer,
    flag: '--listen <host:port>',
    env: ['FLINK_DEPLOY_CODEC_SERVER_ADDRESS'],
    description: 'where the codec server listens (the Web UI’s codec endpoint is http://<this>)',
    default: '127.0.0.1:8888',
    schema: hostPort,
  },
  {
    key: 'codecServerOrigins',
    name: 'codecServer.corsOrigins',
    group: SettingGroup.CodecServer,
    flag: '--cors-origins <url,url>',
    env: ['FLINK_DEPLOY_CODEC_SERVER_CORS_ORIGINS'],
    description: 'browser origins (the Temporal Web UI’s) the codec server answers, comma-separated',
    default: 'http://127.0.0.1:8233',
    schema: z
      .string()
      .transform((text) => text.split(',').map((o) => o.trim().replace(/\/+$/, '')))
      .refine((list) => list.every((o) => /^https?:\/\/[^\s/]+$/.test(o)), {
        message: 'expected origins such as https://temporal.example.com,http://127.0.0.1:8233',
      }),
  },
  {
    key: 'codecServerToken',
    name: 'codecServer.authTokenFile',
    group: SettingGroup.CodecServer,
    flag: '--auth-token-file <path>',
    env: ['FLINK_DEPLOY_CODEC_SERVER_TOKEN_FILE'],
    description: 'file holding the bearer token every encode/decode request must carry (unset: no auth)',
    schema: secretFile('the token'),
    secret: true,
  },
  {
    key: 'temporalTls',
    name: 'temporal.tls',
    group: SettingGroup.Temporal,
    flag: '--tls [bool]',
    env: ['TEMPORAL_TLS'],
    description: 'use TLS to Temporal (default: on when a client certificate or API key is given)',
    schema: bool,
    fromProfile: (p) => (p.tls?.disabled === undefined ? undefined : String(!p.tls.disabled)),
  },
  {
    key: 'temporalTlsCertPath',
    name: 'temporal.tls.clientCertPath',
    group: SettingGroup.Temporal,
    flag: '--tls-cert-path <path>',
    env: ['TEMPORAL_TLS_CLIENT_CERT_PATH'],
    description: 'client certificate (PEM) for mTLS to Temporal',
    schema: nonEmpty,
    fromProfile: (p) => tlsPath(p.tls?.clientCert),
  },
  {
    key: 'temporalTlsKeyPath',
    name: 'temporal.tls.clientKeyPath',
    group: SettingGroup.Temporal,
    flag: '--tls-key-path <path>',
    env: ['TEMPORAL_TLS_CLIENT_KEY_PATH'],
    description: 'client private key (PEM) for mTLS to Temporal',
    schema: nonEmpty,
    fromProfile: (p) => tlsPath(p.tls?.clientKey),
  },
  {
    key: 'temporalTlsCaPath',
    name: 'temporal.tls.serverCaCertPath',
    group: SettingGroup.Temporal,
    flag: '--tls-ca-path <path>',
    env: ['TEMPORAL_TLS_SERVER_CA_CERT_PATH'],
    description: 'CA certificate (PEM) that signed the Temporal server certificate',
    schema: nonEmpty,
    fromProfile: (p) => tlsPath(p.tls?.serverCACert),
  },
  {
    key: 'temporalTlsServerName',
    name: 'temporal.tls.serverName',
    group: SettingGroup.Temporal,
    flag: '--tls-server-name <name>',
    env: ['TEMPORAL_TLS_SERVER_NAME'],
    description: 'TLS server name override',
    schema: nonEmpty,
    fromProfile: (p) => p.tls?.serverName,
  },
  {
    key: 'temporalProfile',
    name: 'temporal.profile',
    group: SettingGroup.Temporal,
    flag: '--profile <name>',
    env: ['TEMPORAL_PROFILE'],
    description: 'profile of the Temporal TOML config file (TEMPORAL_CONFIG_FILE, ~/.config/temporalio/temporal.toml)',
    default: 'default',
    schema: nonEmpty,
  },
  {
    key: 'taskQueue',
    name: 'taskQueue',
    group: SettingGroup.Temporal,
    flag: '--task-queue <name>',
    env: ['FLINK_DEPLOY_TASK_QUEUE'],
    description: 'task queue of the flink-deploy worker',
    default: 'flink-deploy',
    schema: nonEmpty,
  },
  {
    key: 'uiUrl',
    name: 'ui.url',
    group: SettingGroup.Temporal,
    flag: '--ui-url <url>',
    env: ['FLINK_DEPLOY_UI_URL'],
    description: 'Temporal Web UI base URL, for links',
    default: 'http://127.0.0.1:8233',
    schema: httpUrl,
  },
  {
    key: 'pollIntervalMs',
    name: 'pollInterval',
    group: SettingGroup.Temporal,
    flag: '--poll-interval <duration>',
    env: ['FLINK_DEPLOY_POLL_INTERVAL'],
    description: 'how often progress (CLI) and long waits (worker) poll',
    default: '2s',
    schema: durationOf(100),
  },
  {
    key: 'kubeconfig',
    name: 'kube.kubeconfig',
    group: SettingGroup.Kubernetes,
    flag: '--kubeconfig <path>',
    env: ['FLINK_DEPLOY_KUBECONFIG', 'KUBECONFIG'],
    description: 'kubeconfig file',
    defaultText: '~/.kube/config, or in-cluster',
    schema: nonEmpty,
  },
  {
    key: 'kubeContext',
    name: 'kube.context',
    group: SettingGroup.Kubernetes,
    flag: '--context <name>',
    env: ['FLINK_DEPLOY_KUBE_CONTEXT'],
    description: 'kubeconfig context',
    defaultText: 'the current context',
    schema: nonEmpty,
  },
  {
    key: 'flinkEndpoint',
    name: 'flink.endpoint',
    group: SettingGroup.Worker,
    flag: '--flink-endpoint <mode>',
    env: ['FLINK_DEPLOY_FLINK_ENDPOINT'],
    description: 'how Flink REST is reached: service-dns | endpoint-slice',
    default: (env) => (env.KUBERNETES_SERVICE_HOST ? FlinkEndpointMode.ServiceDns : FlinkEndpointMode.EndpointSlice),
    defaultText: 'endpoint-slice; service-dns when KUBERNETES_SERVICE_HOST is set',
    schema: z.enum([FlinkEndpointMode.ServiceDns, FlinkEndpointMode.EndpointSlice]),
  },
  {
    key: 'healthAddress',
    name: 'health.address',
    group: SettingGroup.Worker,
    flag: '--health-address <host:port>',
    env: ['FLINK_DEPLOY_HEALTH_ADDRESS'],
    description: 'where the worker answers /readyz (200 while it polls Temporal) and /livez; unset: not served',
    schema: hostPort,
  },
  {
    key: 'serviceAccountDir',
    name: 'kube.serviceAccountDir',
    group: SettingGroup.Worker,
    flag: '--service-account-dir <path>',
    env: ['FLINK_DEPLOY_SERVICE_ACCOUNT_DIR'],
    description:
      "the pod's service-account token, ca.crt and namespace, used in a cluster (KUBERNETES_SERVICE_HOST set) " +
      'when no kubeconfig is given',
    default: '/var/run/secrets/kubernetes.io/serviceaccount',
    schema: nonEmpty,
  },
  {
    key: 'workflowBundle',
    name: 'worker.workflowBundle',
    group: SettingGroup.Worker,
    flag: '--workflow-bundle <path>',
    env: ['FLINK_DEPLOY_WORKFLOW_BUNDLE'],
    description:
      'a workflow bundle built ahead of time to load (default: the package’s own; a checkout bundles its source)',
    schema: nonEmpty,
  },
  {
    key: 'flinkRequestTimeoutMs',
    name: 'flink.requestTimeout',
    group: SettingGroup.Worker,
    flag: '--flink-timeout <duration>',
    env: ['FLINK_DEPLOY_FLINK_TIMEOUT'],
    description: 'timeout of one Flink REST request',
    default: '10s',
    schema: duration,
  },
  {
    key: 'flinkProxy',
    name: 'flink.proxy',
    group: SettingGroup.Worker,
    flag: '--flink-proxy <url>',
    env: ['FLINK_DEPLOY_FLINK_PROXY'],
    // A network path to the JobManagers through a proxy; the fault matrix (test/faults/matrix) injects faults there.
    description: 'HTTP proxy for Flink REST requests, e.g. http://127.0.0.1:3128',
    defaultText: 'none: direct',
    schema: httpUrl,
  },
  {
    key: 'savepointPollIntervalMs',
    name: 'savepoint.pollInterval',
    group: SettingGroup.Worker,
    flag: '--savepoint-poll-interval <duration>',
    env: ['FLINK_DEPLOY_SAVEPOINT_POLL_INTERVAL'],
    // Short: a stop-with-savepoint's completion starts the upgrade's downtime; one cheap GET each.
    description: "how often a savepoint's status is polled (its end starts the upgrade's downtime)",
    default: '200ms',
    schema: durationOf(50),
  },
  {
    key: 'tasksRunningTimeoutMs',
    name: 'savepoint.tasksRunningTimeout',
    group: SettingGroup.Worker,
    flag: '--tasks-running-timeout <duration>',
    env: ['FLINK_DEPLOY_TASKS_RUNNING_TIMEOUT'],
    description: 'how long a savepoint waits for deploying tasks to be RUNNING (Flink declines it before)',
    default: '2m',
    schema: duration,
  },
  {
    key: 'savepointFailoverTimeoutMs',
    name: 'savepoint.failoverTimeout',
    group: SettingGroup.Worker,
    flag: '--savepoint-failover-timeout <duration>',
    env: ['FLINK_DEPLOY_SAVEPOINT_FAILOVER_TIMEOUT'],
    // A JobManager failover under HA took 100-190 s on the loaded local stack (docs/observer.md): 5 min covers it.
    description:
      'how long a savepoint waits out a JobManager failover (leader election, job recovering) before failing',
    default: '5m',
    schema: duration,
  },
  {
    key: 'savepointFailoverAttempts',
    name: 'savepoint.failoverAttempts',
    group: SettingGroup.Worker,
    flag: '--savepoint-failover-attempts <count>',
    env: ['FLINK_DEPLOY_SAVEPOINT_FAILOVER_ATTEMPTS'],
    // A TaskManager cut off mid-savepoint fails the trigger and the job restarts in seconds (issue 12's
    // suspend/Savepointing/node-agent-restart): a second trigger finds it running again; 3 bounds a flapping job.
    description:
      'how many savepoint triggers an operation tries in all when Flink fails them while the job fails over ' +
      '(a new trigger id each time, recorded first)',
    default: '3',
    schema: count,
  },
  {
    key: 'sessionJarSchemes',
    name: 'sessionJob.jarSchemes',
    group: SettingGroup.Worker,
    flag: '--session-jar-schemes <list>',
    env: [sessionJarSchemesEnv],
    description: 'jar URI schemes a FlinkSessionJob may use (of https, s3, http, file); validate reads it too',
    default: defaultSessionJarSchemes.join(','),
    schema: z.string().transform((text, ctx) => {
      try {
        return parseSessionJarSchemes(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  },
  {
    key: 'sessionJarMaxMiB',
    name: 'sessionJob.maxJarMiB',
    group: SettingGroup.Worker,
    flag: '--session-jar-max-mib <count>',
    env: ['FLINK_DEPLOY_SESSION_JAR_MAX_MIB'],
    description: 'the largest FlinkSessionJob jar the worker fetches, in MiB (a larger one fails the deploy)',
    default: '512',
    schema: count,
  },
  {
    key: 'sessionJarS3Endpoint',
    name: 'sessionJob.s3Endpoint',
    group: SettingGroup.Worker,
    flag: '--session-jar-s3-endpoint <url>',
    env: ['FLINK_DEPLOY_SESSION_JAR_S3_ENDPOINT'],
    // Credentials stay in the AWS variables every S3 client reads, not in a setting shown in help and errors.
    description:
      'S3-compatible server (MinIO, ...) the worker fetches s3:// jars from, path-style; credentials and ' +
      'region: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION',
    defaultText: 'none: AWS S3',
    schema: httpUrl,
  },
  {
    key: 'sessionJarMirrors',
    name: 'sessionJob.jarMirrors',
    group: SettingGroup.Worker,
    flag: '--session-jar-mirrors <list>',
    env: ['FLINK_DEPLOY_SESSION_JAR_MIRRORS'],
    description:
      'jar URI prefixes the worker fetches from a mirror instead, comma-separated from=to, e.g. ' +
      'https://repo1.maven.org/maven2/=https://nexus.example/maven2/ (the first matching prefix wins)',
    defaultText: 'none',
    schema: z.string().transform((text, ctx) => {
      const mirrors: { from: string; to: string }[] = [];
      for (const pair of text
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const [from, to, ...rest] = pair.split('=');
        const url = (u: string | undefined) => u !== undefined && /^(https?|s3):\/\/[^\s/]+(\/\S*)?$/.test(u);
        if (rest.length > 0 || !url(from) || !url(to) || !/^https?:/.test(to!)) {
          ctx.addIssue({
            code: 'custom',
            message:
              `"${pair}" is not from=to: both URL prefixes (from http(s):// or s3://, to http(s)://), ` +
              'e.g. https://repo1.maven.org/maven2/=https://nexus.example/maven2/',
          });
          return z.NEVER;
        }
        mirrors.push({ from: from!, to: to! });
      }
      return mirrors;
    }),
  },
  {
    key: 'disposalTimeoutMs',
    name: 'savepoint.disposalTimeout',
    group: SettingGroup.Worker,
    flag: '--disposal-timeout <duration>',
    env: ['FLINK_DEPLOY_DISPOSAL_TIMEOUT'],
    description: 'how long one savepoint disposal may take (a late one stays pending, retried next run)',
    default: '1m',
    schema: duration,
  },
  {
    key: 'podsGoneTimeoutMs',
    name: 'kube.podsGoneTimeout',
    group: SettingGroup.Worker,
    flag: '--pods-gone-timeout <duration>',
    env: ['FLINK_DEPLOY_PODS_GONE_TIMEOUT'],
    description: "how long removing the Deployments waits for their pods to go (the pods' grace period and more)",
    default: '2m',
    schema: duration,
  },
  {
    key: 'maxJobRestarts',
    name: 'stability.maxJobRestarts',
    group: SettingGroup.Worker,
    flag: '--max-job-restarts <count>',
    env: ['FLINK_DEPLOY_MAX_JOB_RESTARTS'],
    description: 'restarts of a new job while it stabilises that fail the rollout (JobFailed)',
    default: '3',
    schema: count,
  },
  {
    key: 'maxPodRestarts',
    name: 'stability.maxPodRestarts',
    group: SettingGroup.Worker,
    flag: '--max-pod-restarts <count>',
    env: ['FLINK_DEPLOY_MAX_POD_RESTARTS'],
    description:
      'container restarts of one pod (its init containers too) that count as a crash loop (DeploymentUnhealthy)',
    default: '3',
    schema: count,
  },
  {
    key: 'recordMaxSavepoints',
    name: 'record.maxSavepoints',
    group: SettingGroup.Worker,
    flag: '--record-max-savepoints <count>',
    env: ['FLINK_DEPLOY_RECORD_MAX_SAVEPOINTS'],
    description:
      'savepoint entries the deployed-state record keeps: disposed ones are dropped first, oldest first; ' +
      'undisposed ones and the restore source never',
    default: '100',
    schema: count,
  },
  {
    key: 'metricsAddress',
    name: 'metrics.address',
    group: SettingGroup.Worker,
    flag: '--metrics-address <host:port>',
    env: ['FLINK_DEPLOY_METRICS_ADDRESS'],
    description: 'where the worker serves Prometheus metrics',
    default: '127.0.0.1:9464',
    schema: hostPort,
  },
  {
    key: 'observeIntervalMs',
    name: 'observer.interval',
    group: SettingGroup.Worker,
    flag: '--observe-interval <duration>',
    env: ['FLINK_DEPLOY_OBSERVE_INTERVAL'],
    description:
      'time between two sweeps of every application by the observer (taken by the observer that the first ' +
      'worker starts)',
    default: '15s',
    schema: durationOf(1_000),
  },
  {
    key: 'observeNamespaces',
    name: 'observer.namespaces',
    group: SettingGroup.Worker,
    flag: '--observe-namespaces <ns,ns>',
    env: ['FLINK_DEPLOY_OBSERVE_NAMESPACES'],
    description: 'namespaces the observer sweeps, comma-separated (default: all, which needs a ClusterRole)',
    schema: z
      .string()
      .transform((text) => text.split(',').map((ns) => ns.trim()))
      .refine((list) => list.every((ns) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns)), {
        message: 'expected namespace names separated by commas, e.g. flink,team-a',
      }),
  },
  {
    key: 'logLevel',
    name: 'log.level',
    group: SettingGroup.Worker,
    flag: '--log-level <level>',
    env: ['FLINK_DEPLOY_LOG_LEVEL'],
    description: 'worker log level',
    default: 'info',
    schema: z.enum(Object.values(LogLevel) as [LogLevel, ...LogLevel[]]),
  },
];

/** A setting has a bad value. `code` is stable. */
export class SettingsError extends Error {
  readonly code = 'InvalidSetting';
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** The flag's long name, e.g. `--address`. */
export function flagName(definition: SettingDefinition): string {
  return definition.flag.split(' ')[0] ?? definition.flag;
}

/** The default as help shows it. */
export function defaultText(definition: SettingDefinition): string | undefined {
  if (definition.defaultText) return definition.defaultText;
  return typeof definition.default === 'string' ? definition.default : undefined;
}

function flagAndEnv(definition: SettingDefinition): string {
  return `flag ${flagName(definition)}, env ${definition.env.join(' or ')}`;
}

function where(definition: SettingDefinition, from: string): string {
  return `${definition.name} (from ${from}; ${flagAndEnv(definition)})`;
}

/** A setting as messages name it, e.g. `metrics.address (flag --metrics-address, env FLINK_DEPLOY_METRICS_ADDRESS)`. */
export function settingNamed(key: SettingDefinition['key']): { name: string; text: string } {
  const definition = settingDefinitions.find((d) => d.key === key);
  if (!definition) throw new Error(`no setting ${String(key)}`);
  return { name: definition.name, text: `${definition.name} (${flagAndEnv(definition)})` };
}

function rawValue(
  definition: SettingDefinition,
  input: { flags: SettingFlags; env: Env; profile: ClientConfigProfile },
): { text: string; from: string } | undefined {
  const flag = input.flags[definition.key];
  if (flag !== undefined) return { text: String(flag), from: `flag ${flagName(definition)}` };
  if (definition.fromProfile) {
    const value = definition.fromProfile(input.profile);
    if (value !== undefined && value !== '') {
      const envName = definition.env.find((name) => input.env[name] !== undefined && input.env[name] !== '');
      return { text: value, from: envName ? `env ${envName}` : 'the Temporal config file' };
    }
  } else {
    for (const name of definition.env) {
      const value = input.env[name];
      if (value !== undefined && value !== '') return { text: value, from: `env ${name}` };
    }
  }
  if (definition.default === undefined) return undefined;
  return {
    text: typeof definition.default === 'string' ? definition.default : definition.default(input.env),
    from: 'default',
  };
}

function loadProfile(flags: SettingFlags, env: Env): ClientConfigProfile {
  const profile = flags.temporalProfile !== undefined ? String(flags.temporalProfile) : undefined;
  const vars = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  // Loaded here, not at start-up: `--help` and `validate` never read the Temporal settings.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadClientConfigProfile } = require('@temporalio/envconfig') as typeof EnvConfig;
  try {
    return loadClientConfigProfile({ profile, overrideEnvVars: vars });
  } catch (err) {
    throw new SettingsError(
      'temporal.profile',
      `cannot load the Temporal client configuration (profile ` +
        `${profile ?? env.TEMPORAL_PROFILE ?? 'default'}, file ` +
        `${env.TEMPORAL_CONFIG_FILE ?? '~/.config/temporalio/temporal.toml'}): ${(err as Error).message}. ` +
        `Fix the file, or set TEMPORAL_CONFIG_FILE / --profile.`,
    );
  }
}

/**
 * Loads every setting once: flags over environment over defaults. Throws `SettingsError`
 * naming the setting, its flag and env var when a value is bad.
 */
export function loadSettings(flags: SettingFlags = {}, env: Env = process.env): Settings {
  const profile = loadProfile(flags, env);
  const values: Record<string, unknown> = {};
  for (const definition of settingDefinitions) {
    const raw = rawValue(definition, { flags, env, profile });
    if (raw === undefined) continue;
    const parsed = definition.schema.safeParse(raw.text);
    if (!parsed.success) {
      const shown = definition.secret ? '(hidden)' : JSON.stringify(raw.text);
      const reason = parsed.error.issues.map((issue) => issue.message).join('; ');
      throw new SettingsError(definition.name, `invalid value ${shown} for ${where(definition, raw.from)}: ${reason}`);
    }
    values[definition.key] = parsed.data;
  }
  return { ...(values as Omit<Settings, 'temporalBaseProfile'>), temporalBaseProfile: profile };
}

/** The settings as `name → value` for display (secrets hidden, durations as text). */
export function describeSettings(settings: Settings): Record<string, string | number | boolean | undefined> {
  return Object.fromEntries(
    settingDefinitions.map((definition) => {
      const value = settings[definition.key];
      if (value === undefined) return [definition.name, undefined];
      if (definition.secret || (typeof value === 'object' && !Array.isArray(value))) return [definition.name, '(set)'];
      if (definition.key.endsWith('Ms') && typeof value === 'number') return [definition.name, formatDuration(value)];
      if (Array.isArray(value)) return [definition.name, value.join(',')];
      return [definition.name, value];
    }),
  );
}
