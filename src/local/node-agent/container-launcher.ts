/**
 * Turns one container of a pod into the command line, environment and files of a local
 * process: image check, volumes, the container's /opt/flink, Flink config with the pod's IP,
 * paths and Service names rewritten, memory defaults.
 */
import fs from 'node:fs';
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { busyboxCommandLine, resolveBusyboxImage } from './busybox-image';
import { resolveContainerEnv } from './container-env';
import { ENTRYPOINT_USAGE, FlinkRole, isJobManagerRole, planEntrypoint, type EntrypointPlan } from './flink-entrypoint';
import { mapStrings, parseFlinkProperties, readFlinkConfig, writeFlinkConfig, type FlinkConfig } from './flink-config';
import {
  buildContainerFlinkHome,
  builtInPluginsOf,
  IMAGE_FLINK_HOME,
  referencedUsrlibJars,
  type ContainerMount,
} from './flink-home';
import type { ImageStore } from './image-store';
import type { KubeClients } from './kube-clients';
import { memoryDefault } from './memory-defaults';
import { bindableMounts, inMountNamespace, podHostsFile } from './mount-namespace';
import { POD_UID_ENV, STATE_DIR_ENV } from './proc';
import type { ProcessSpec } from './process-supervisor';
import type { TokenCache } from './service-account-token';
import type { ServiceDirectory } from './service-directory';
import type { StateStore } from './state-store';
import { isAddressKey, ValueRewriter } from './value-rewriter';
import { containerMounts, prepareVolumes } from './volumes';
import { workerCommandLine, workerPath } from './worker-launch';
import { resolveWorkerImage } from './worker-image';

/** What the launcher needs from the node. */
export interface LaunchContext {
  clients: KubeClients;
  store: StateStore;
  services: ServiceDirectory;
  /** The node's default Flink distribution and its version. */
  flinkHome: string;
  flinkVersion: string;
  /** Flink images → distributions (other versions installed on first use). */
  images: ImageStore;
  jobsDir: string;
  /** Where the worker image's installs are (image.ts); unset: that image is not available. */
  imagesDir?: string;
  /** Where pods reach the API server (the kubeconfig's server). */
  apiServer: { host: string; port: string };
  /** Data volumes are bind-mounted at their paths in a mount namespace per container (mount-namespace.ts). */
  mountNamespaces: boolean;
}

/** Where the API server's credentials are mounted in a container. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The API server's address as the kubelet gives it to every container, and — when the
 * service-account folder is mounted — where Java's Kubernetes client (fabric8, as in Flink's
 * flink-kubernetes) finds the token and CA on this node: it reads these variables before its
 * built-in /var/run/secrets paths. A kubeconfig file in the agent's HOME is not tried (a pod
 * has none).
 */
export function apiServerEnv(input: {
  apiServer: { host: string; port: string };
  mounts: readonly ContainerMount[];
}): Record<string, string> {
  const env: Record<string, string> = {
    KUBERNETES_SERVICE_HOST: input.apiServer.host,
    KUBERNETES_SERVICE_PORT: input.apiServer.port,
    KUBERNETES_SERVICE_PORT_HTTPS: input.apiServer.port,
  };
  const mount = input.mounts.find((m) => m.mountPath.replace(/\/+$/, '') === SERVICE_ACCOUNT_DIR);
  if (mount) {
    env.KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN = path.join(mount.hostPath, 'token');
    env.KUBERNETES_CERTS_CA_FILE = path.join(mount.hostPath, 'ca.crt');
    env.KUBERNETES_AUTH_TRYKUBECONFIG = 'false';
  }
  return env;
}

/** A container ready to start. */
export interface LaunchPlan {
  process: ProcessSpec;
  imageId: string;
  role: FlinkRole;
}

/**
 * Settings the node forces so each Flink process binds to its pod IP. A JobManager keeps a
 * `jobmanager.rpc.address` that is a Service address of this node (`advertised`, the
 * Service's clusterIP after rewriting): it binds to its pod IP but answers under the
 * Service's address, as it answers under the Service's DNS name in a real cluster, so
 * TaskManagers that reach it through the Service are understood.
 */
function forcedSettings(input: { role: FlinkRole; podIp: string; advertised?: string }): Array<[string, string]> {
  if (isJobManagerRole(input.role)) {
    return [
      ['jobmanager.rpc.address', input.advertised ?? input.podIp],
      ['jobmanager.bind-host', input.podIp],
      ['rest.address', input.podIp],
      ['rest.bind-address', input.podIp],
    ];
  }
  if (input.role === FlinkRole.TaskManager) {
    return [
      ['taskmanager.host', input.podIp],
      ['taskmanager.bind-host', input.podIp],
    ];
  }
  return [];
}

/** Plans the start of `container`; throws LaunchError with a waiting reason when it cannot start yet. */
export async function planLaunch(input: {
  pod: k8s.V1Pod;
  container: k8s.V1Container;
  podIp: string;
  ctx: LaunchContext;
  tokens: TokenCache;
}): Promise<LaunchPlan> {
  const { pod, container, podIp, ctx } = input;
  const namespace = pod.metadata?.namespace ?? 'default';
  const podName = pod.metadata?.name ?? '';
  const commandImage = commandImageOf(container, ctx.imagesDir);
  const volumes = await prepareVolumes({ pod, clients: ctx.clients, store: ctx.store, tokens: input.tokens });
  const mounts = containerMounts({ pod, container, volumes });
  const env = await resolveContainerEnv({ pod, container, podIp, clients: ctx.clients });
  const paths = ctx.store.containerPaths({ namespace, name: podName, container: container.name });
  fs.mkdirSync(paths.dir, { recursive: true });
  fs.mkdirSync(paths.tmpDir, { recursive: true });

  if (commandImage) {
    const binds = bindsOf({ ctx, mounts, keep: [commandImage.keep] });
    const rewriter = new ValueRewriter({
      services: ctx.services,
      namespace,
      mappings: mounts
        .filter((m) => !binds.includes(m))
        .map((m: ContainerMount) => ({ containerPath: m.mountPath, hostPath: m.hostPath })),
    });
    const [command, ...args] = commandImage.commandLine.map((a) => rewriter.rewrite(a, false)) as [string, ...string[]];
    return {
      role: FlinkRole.Command,
      imageId: commandImage.imageId,
      process: {
        ...inMountNamespace({ command, args, binds }),
        env: {
          PATH: commandImage.path,
          HOME: process.env.HOME ?? '/root',
          LANG: process.env.LANG ?? 'C.UTF-8',
          HOSTNAME: pod.spec?.hostname ?? podName,
          TMPDIR: paths.tmpDir,
          ...apiServerEnv({ apiServer: ctx.apiServer, mounts }),
          ...Object.fromEntries([...env].map(([k, v]) => [k, rewriter.rewrite(v, isAddressKey(k))])),
          [POD_UID_ENV]: pod.metadata?.uid ?? '',
          [STATE_DIR_ENV]: ctx.store.stateDir,
        },
        cwd: paths.dir,
        logFile: paths.logFile,
        exitCodeFile: paths.exitCodeFile,
        processFile: paths.processFile,
        podUid: pod.metadata?.uid ?? '',
        container: container.name,
      },
    };
  }

  const image = await ctx.images.pull(container.image);
  const plan = planEntrypoint(container);
  const confMount = mounts.find((m) => m.mountPath.replace(/\/+$/, '') === `${IMAGE_FLINK_HOME}/conf`);
  const mountedConfigText = confMount
    ? (readIfFile(path.join(confMount.hostPath, 'config.yaml')) ??
      readIfFile(path.join(confMount.hostPath, LEGACY_CONFIG_FILE)))
    : undefined;
  const home = buildContainerFlinkHome({
    home: paths.flinkHome,
    distribution: image.distribution,
    jobsDir: ctx.jobsDir,
    mounts,
    usrlibJars: referencedUsrlibJars([
      ...plan.args,
      ...plan.dynamicProperties.flat(),
      ...env.values(),
      mountedConfigText ?? '',
    ]),
    builtInPlugins: builtInPluginsOf(env.get('ENABLE_BUILT_IN_PLUGINS')),
  });
  const binds = bindsOf({ ctx, mounts, keep: [image.distribution, home.home] });
  // Flink 1.x's JobManager reaches its own blob server by `localhost` (a session job's submit): the pod's localhost.
  const hosts =
    ctx.mountNamespaces && isJobManagerRole(plan.role) && image.version.startsWith('1.')
      ? [podHostsFile({ nodeHosts: readIfFile('/etc/hosts') ?? '', podIp, file: path.join(paths.dir, 'hosts') })]
      : [];
  const rewriter = new ValueRewriter({
    services: ctx.services,
    namespace,
    mappings: [
      { containerPath: IMAGE_FLINK_HOME, hostPath: home.home },
      ...mounts
        .filter((m) => (!isUnder(m.mountPath, IMAGE_FLINK_HOME) || dataUnderFlinkHome(m)) && !binds.includes(m))
        .map((m: ContainerMount) => ({ containerPath: m.mountPath, hostPath: m.hostPath })),
    ],
  });
  const rewrittenEnv = new Map([...env].map(([k, v]) => [k, rewriter.rewrite(v, isAddressKey(k))]));

  const processEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    LANG: process.env.LANG ?? 'C.UTF-8',
    ...(process.env.JAVA_HOME ? { JAVA_HOME: process.env.JAVA_HOME } : {}),
    HOSTNAME: pod.spec?.hostname ?? podName,
    FLINK_HOME: home.home,
    _FLINK_HOME_DETERMINED: '1',
    FLINK_CONF_DIR: home.confDir,
    FLINK_LOG_DIR: home.logDir,
    FLINK_PID_DIR: paths.tmpDir,
    TMPDIR: paths.tmpDir,
    ...apiServerEnv({ apiServer: ctx.apiServer, mounts }),
    ...Object.fromEntries(rewrittenEnv),
    [POD_UID_ENV]: pod.metadata?.uid ?? '',
    [STATE_DIR_ENV]: ctx.store.stateDir,
  };

  let command: string;
  let args: string[];
  if (plan.role === FlinkRole.Help) {
    command = 'echo';
    args = [ENTRYPOINT_USAGE];
  } else if (plan.role === FlinkRole.Command) {
    [command, ...args] = plan.args.map((a) => rewriter.rewrite(a, false)) as [string, ...string[]];
  } else {
    const forced = writeContainerConfig({
      plan,
      podIp,
      container,
      env: rewrittenEnv,
      rewriter,
      services: ctx.services,
      confDir: home.confDir,
      tmpDir: paths.tmpDir,
      distribution: image.distribution,
    });
    const forcedKeys = new Set(forced.map(([k]) => k));
    const dynamic = plan.dynamicProperties
      .filter(([k]) => !forcedKeys.has(k))
      .flatMap(([k, v]) => ['-D', `${k}=${rewriter.rewrite(v, isAddressKey(k))}`]);
    command = 'bash';
    args = [
      path.join(home.home, 'bin', plan.script ?? ''),
      'start-foreground',
      ...dynamic,
      ...plan.args.map((a) => rewriter.rewrite(a, false)),
    ];
  }
  return {
    role: plan.role,
    imageId: image.imageId,
    process: {
      ...inMountNamespace({ command, args, binds: [...binds, ...hosts] }),
      env: processEnv,
      cwd: paths.dir,
      logFile: paths.logFile,
      exitCodeFile: paths.exitCodeFile,
      processFile: paths.processFile,
      podUid: pod.metadata?.uid ?? '',
      container: container.name,
    },
  };
}

/**
 * An image that runs its command line as it is (not Flink's): the flink-deploy worker image, or busybox. `path`: the
 * PATH the process starts with; `keep`: the folder it runs from (never mounted over).
 */
interface CommandImage {
  imageId: string;
  commandLine: string[];
  path: string;
  keep: string;
}

function commandImageOf(container: k8s.V1Container, imagesDir: string | undefined): CommandImage | undefined {
  const worker = resolveWorkerImage(container.image, imagesDir);
  if (worker)
    return {
      imageId: worker.imageId,
      commandLine: workerCommandLine({ container, image: worker.worker }),
      path: workerPath(worker.worker, process.env.PATH),
      keep: worker.worker.prefix,
    };
  const busybox = resolveBusyboxImage(container.image, imagesDir);
  if (busybox)
    return {
      imageId: busybox.imageId,
      commandLine: busyboxCommandLine({ container, image: busybox }),
      // The node's, for the wrappers around the process; the image's own PATH is set by its `env` (busybox-image.ts).
      path: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      keep: busybox.bin,
    };
  return undefined;
}

/** The folders of `/opt/flink` the container's Flink home links to their mounts itself (flink-home.ts). */
const HOME_LINKED = ['conf', 'usrlib', 'log'].map((sub) => `${IMAGE_FLINK_HOME}/${sub}`);

/**
 * A data volume mounted under `/opt/flink` at a folder the home does not link (e.g. the operator's
 * `/opt/flink/volume`, a PersistentVolumeClaim for HA, checkpoints and savepoints): its paths are rewritten to
 * the volume's folder, as a kubelet mounts it there. Else they would land in the container's own Flink home,
 * removed with the pod: a savepoint named there could not be restored by the next JobManager.
 */
function dataUnderFlinkHome(m: ContainerMount): boolean {
  const at = m.mountPath.replace(/\/+$/, '');
  return m.data === true && at !== IMAGE_FLINK_HOME && !HOME_LINKED.some((linked) => isUnder(at, linked));
}

/** Flink 1.x's `flink-conf.yaml` (flat `key: value` lines, read by Flink 1.x when no config.yaml is there). */
const LEGACY_CONFIG_FILE = 'flink-conf.yaml';

/**
 * A `flink-conf.yaml` mounted into the container's conf folder without a config.yaml of its own
 * (what flink-deploy renders for Flink 1.x): in the image, the mount replaces the folder, so
 * Flink reads it. Here the folder also holds the distribution's config.yaml, which Flink 1.19+
 * would prefer, so the legacy file is taken as the container's config (and removed: the
 * config.yaml written from it is the one file Flink reads).
 */
function mountedLegacyConfig(confDir: string): FlinkConfig | undefined {
  const legacy = path.join(confDir, LEGACY_CONFIG_FILE);
  if (!fs.existsSync(legacy)) return undefined;
  const config = parseFlinkProperties(fs.readFileSync(legacy, 'utf8'));
  fs.rmSync(legacy);
  return config;
}

/**
 * Writes the container's config.yaml: mounted (or distribution) config, FLINK_PROPERTIES, node
 * settings. Returns the settings the node forced.
 */
function writeContainerConfig(input: {
  plan: EntrypointPlan;
  podIp: string;
  container: k8s.V1Container;
  env: Map<string, string>;
  rewriter: ValueRewriter;
  services: ServiceDirectory;
  confDir: string;
  tmpDir: string;
  distribution: string;
}): Array<[string, string]> {
  const file = path.join(input.confDir, 'config.yaml');
  const distributionConfig = readFlinkConfig(path.join(input.distribution, 'conf', 'config.yaml'));
  const fileConfig = mountedLegacyConfig(input.confDir) ?? readFlinkConfig(file);
  const mountedOwnConfig = !isSameConfig(fileConfig, distributionConfig);
  const properties = parseFlinkProperties(input.env.get('FLINK_PROPERTIES'));
  const userConfig: FlinkConfig = new Map([
    ...(mountedOwnConfig ? fileConfig : []),
    ...properties,
    ...input.plan.dynamicProperties,
  ]);
  const config: FlinkConfig = new Map([...fileConfig, ...properties]);
  if (!config.has('env.java.opts.all') && !config.has('env.java.opts')) {
    const opts = distributionConfig.get('env.java.opts.all');
    if (opts !== undefined) config.set('env.java.opts.all', opts);
  }
  const jobManagerAddress = input.env.get('JOB_MANAGER_RPC_ADDRESS');
  if (jobManagerAddress) config.set('jobmanager.rpc.address', jobManagerAddress);
  const slots = input.env.get('TASK_MANAGER_NUMBER_OF_TASK_SLOTS');
  if (slots) config.set('taskmanager.numberOfTaskSlots', slots);
  if (!config.has('blob.server.port')) config.set('blob.server.port', '6124');
  if (!config.has('io.tmp.dirs')) config.set('io.tmp.dirs', input.tmpDir);
  const role = isJobManagerRole(input.plan.role) ? 'jobmanager' : 'taskmanager';
  const memory = memoryDefault({ role, userConfig, resources: input.container.resources });
  if (memory) config.set(memory[0], memory[1]);
  const rpcAddress = [...input.plan.dynamicProperties].reverse().find(([k]) => k === 'jobmanager.rpc.address')?.[1];
  const configuredRpc = rpcAddress ?? config.get('jobmanager.rpc.address');
  const advertised = typeof configuredRpc === 'string' ? input.rewriter.rewrite(configuredRpc, true).trim() : undefined;
  const forcedList = forcedSettings({
    role: input.plan.role,
    podIp: input.podIp,
    advertised: advertised && input.services.isServiceAddress(advertised) ? advertised : undefined,
  });
  const forced = new Map(forcedList);
  const rewritten: FlinkConfig = new Map();
  for (const [key, value] of config) {
    if (!forced.has(key))
      rewritten.set(
        key,
        mapStrings(value, (text) => input.rewriter.rewrite(text, isAddressKey(key))),
      );
  }
  for (const [key, value] of forced) rewritten.set(key, value);
  writeFlinkConfig(file, rewritten);
  return forcedList;
}

/** The mounts bound at their own paths (none without mount namespaces); `keep`: folders the process reads. */
function bindsOf(input: { ctx: LaunchContext; mounts: readonly ContainerMount[]; keep: string[] }): ContainerMount[] {
  if (!input.ctx.mountNamespaces) return [];
  const { ctx } = input;
  const keep = [
    ...input.keep,
    ctx.store.stateDir,
    ctx.flinkHome,
    ctx.jobsDir,
    ...(ctx.imagesDir ? [ctx.imagesDir] : []),
    ...(process.env.JAVA_HOME ? [process.env.JAVA_HOME] : []),
    path.dirname(process.execPath),
  ];
  return bindableMounts({ mounts: input.mounts, keep });
}

function isSameConfig(a: FlinkConfig, b: FlinkConfig): boolean {
  return a.size === b.size && [...a].every(([k, v]) => JSON.stringify(b.get(k)) === JSON.stringify(v));
}

function isUnder(child: string, parent: string): boolean {
  return child === parent || child.startsWith(`${parent}/`);
}

function readIfFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
