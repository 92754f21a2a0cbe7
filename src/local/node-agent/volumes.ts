/**
 * Pod volumes as host folders:
 * - configMap, secret, projected (configMap/secret/downwardAPI sources), downwardAPI: files
 *   written into a pod folder, refreshed before each container start;
 * - emptyDir: a pod folder, removed with the pod;
 * - hostPath: `<state-dir>/hostpath/<path>`; persistentVolumeClaim: `<state-dir>/pvc/<ns>/<claim>`
 *   — both outlive the pod, so savepoints and checkpoints survive restarts and redeploys.
 * - projected serviceAccountToken sources: a token from the TokenRequest API
 *   (service-account-token.ts), rewritten by `refreshTokenVolumes` before it expires.
 * Files are replaced one by one (write, then rename), so a reader never sees half a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { AgentErrorCode, LaunchError } from './errors';
import type { ContainerMount } from './flink-home';
import { ignoreNotFound, type KubeClients } from './kube-clients';
import type { TokenCache } from './service-account-token';
import type { StateStore } from './state-store';

/** Host folders of a pod's volumes, by volume name. */
export type PreparedVolumes = Map<string, string>;

type Files = Map<string, Buffer>;

/** Prepares every volume of `pod`; throws LaunchError (ContainerCreating) when a source is missing. */
export async function prepareVolumes(input: {
  pod: k8s.V1Pod;
  clients: KubeClients;
  store: StateStore;
  tokens: TokenCache;
}): Promise<PreparedVolumes> {
  const { pod, store } = input;
  const namespace = pod.metadata?.namespace ?? 'default';
  const name = pod.metadata?.name ?? '';
  const prepared: PreparedVolumes = new Map();
  for (const volume of pod.spec?.volumes ?? []) {
    const podScoped = store.volumeDir({ namespace, name, volume: volume.name });
    if (volume.hostPath) {
      prepared.set(volume.name, hostPathOf(store, volume.hostPath));
    } else if (volume.persistentVolumeClaim) {
      const dir = store.claimDir({ namespace, claim: volume.persistentVolumeClaim.claimName });
      fs.mkdirSync(dir, { recursive: true });
      prepared.set(volume.name, dir);
    } else if (volume.emptyDir) {
      fs.mkdirSync(podScoped, { recursive: true });
      prepared.set(volume.name, podScoped);
    } else {
      const files = await volumeFiles({ volume, pod, clients: input.clients, tokens: input.tokens });
      writeFiles(podScoped, files);
      prepared.set(volume.name, podScoped);
    }
  }
  return prepared;
}

/**
 * Rewrites the projected volumes that hold a service-account token (call when `tokens.due()`);
 * returns how many it rewrote.
 */
export async function refreshTokenVolumes(input: {
  pod: k8s.V1Pod;
  clients: KubeClients;
  store: StateStore;
  tokens: TokenCache;
}): Promise<number> {
  const { pod } = input;
  let rewritten = 0;
  for (const volume of pod.spec?.volumes ?? []) {
    if (!volume.projected?.sources?.some((source) => source.serviceAccountToken)) continue;
    const files = await volumeFiles({ volume, pod, clients: input.clients, tokens: input.tokens });
    const dir = input.store.volumeDir({
      namespace: pod.metadata?.namespace ?? 'default',
      name: pod.metadata?.name ?? '',
      volume: volume.name,
    });
    writeFiles(dir, files);
    rewritten++;
  }
  return rewritten;
}

/**
 * The mounts of one container: mountPath → host path (subPath applied); `data` for a hostPath,
 * persistentVolumeClaim or emptyDir volume (what Flink writes state to).
 */
export function containerMounts(input: {
  pod: k8s.V1Pod;
  container: k8s.V1Container;
  volumes: PreparedVolumes;
}): ContainerMount[] {
  const data = new Set(
    (input.pod.spec?.volumes ?? [])
      .filter((v) => v.hostPath || v.persistentVolumeClaim || v.emptyDir)
      .map((v) => v.name),
  );
  return (input.container.volumeMounts ?? []).flatMap((m) => {
    const dir = input.volumes.get(m.name);
    if (!dir) return [];
    const hostPath = m.subPath ? path.join(dir, m.subPath) : dir;
    return [{ mountPath: m.mountPath, hostPath, ...(data.has(m.name) ? { data: true } : {}) }];
  });
}

async function volumeFiles(input: {
  volume: k8s.V1Volume;
  pod: k8s.V1Pod;
  clients: KubeClients;
  tokens: TokenCache;
}): Promise<Files> {
  const { volume, pod, clients } = input;
  const namespace = pod.metadata?.namespace ?? 'default';
  if (volume.configMap) return configMapFiles({ clients, namespace, source: volume.configMap, volume: volume.name });
  if (volume.secret) return secretFiles({ clients, namespace, source: volume.secret, volume: volume.name });
  if (volume.downwardAPI) return downwardFiles(pod, volume.downwardAPI.items ?? []);
  if (volume.projected) {
    const files: Files = new Map();
    for (const source of volume.projected.sources ?? []) {
      const part = source.configMap
        ? await configMapFiles({ clients, namespace, source: source.configMap, volume: volume.name })
        : source.secret
          ? await secretFiles({ clients, namespace, source: source.secret, volume: volume.name })
          : source.downwardAPI
            ? downwardFiles(pod, source.downwardAPI.items ?? [])
            : source.serviceAccountToken
              ? new Map([
                  [
                    source.serviceAccountToken.path,
                    Buffer.from(await input.tokens.token({ pod, source: source.serviceAccountToken, clients })),
                  ],
                ])
              : new Map<string, Buffer>();
      for (const [file, content] of part) files.set(file, content);
    }
    return files;
  }
  return new Map();
}

/**
 * A hostPath volume's host folder, checked as a kubelet checks its `type`: `Directory` and `File` must exist
 * (else the pod waits in ContainerCreating, event FailedMount, until they do); `DirectoryOrCreate` and
 * `FileOrCreate` are created; unset (`""`) is mounted as it is, created as a folder when missing (a kubelet
 * would create nothing and mount what Docker makes of it: a folder).
 */
function hostPathOf(store: StateStore, source: k8s.V1HostPathVolumeSource): string {
  const dir = store.hostPathDir(source.path);
  const type = source.type ?? '';
  const exists = fs.existsSync(dir);
  const isDir = exists && fs.statSync(dir).isDirectory();
  if (type === 'Directory' && !isDir) throw notReady(`hostPath type check failed: ${source.path} is not a directory`);
  if (type === 'File' && (!exists || isDir)) throw notReady(`hostPath type check failed: ${source.path} is not a file`);
  if (type === 'File' || type === 'FileOrCreate') {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    if (!exists) fs.writeFileSync(dir, '');
  } else if (!exists) fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function notReady(message: string): LaunchError {
  return new LaunchError({
    code: AgentErrorCode.VolumeNotReady,
    reason: 'ContainerCreating',
    message,
    retryable: true,
  });
}

function pick(input: {
  data: Map<string, Buffer>;
  items: k8s.V1KeyToPath[] | undefined;
  optional: boolean;
  what: string;
}): Files {
  if (!input.items || input.items.length === 0) return input.data;
  const files: Files = new Map();
  for (const item of input.items) {
    const content = input.data.get(item.key);
    if (content === undefined) {
      if (input.optional) continue;
      throw notReady(`MountVolume.SetUp failed: configmap/secret ${input.what} has no key "${item.key}"`);
    }
    files.set(item.path, content);
  }
  return files;
}

async function configMapFiles(input: {
  clients: KubeClients;
  namespace: string;
  source: k8s.V1ConfigMapVolumeSource | k8s.V1ConfigMapProjection;
  volume: string;
}): Promise<Files> {
  const name = input.source.name ?? '';
  const configMap = await ignoreNotFound(
    input.clients.core.readNamespacedConfigMap({ name, namespace: input.namespace }),
  );
  if (!configMap) {
    if (input.source.optional) return new Map();
    throw notReady(`MountVolume.SetUp failed for volume "${input.volume}": configmap "${name}" not found`);
  }
  const data: Files = new Map();
  for (const [key, value] of Object.entries(configMap.data ?? {})) data.set(key, Buffer.from(value));
  for (const [key, value] of Object.entries(configMap.binaryData ?? {})) data.set(key, Buffer.from(value, 'base64'));
  return pick({ data, items: input.source.items, optional: input.source.optional ?? false, what: name });
}

async function secretFiles(input: {
  clients: KubeClients;
  namespace: string;
  source: k8s.V1SecretVolumeSource | k8s.V1SecretProjection;
  volume: string;
}): Promise<Files> {
  const name =
    'secretName' in input.source
      ? (input.source.secretName ?? '')
      : ((input.source as k8s.V1SecretProjection).name ?? '');
  const secret = await ignoreNotFound(input.clients.core.readNamespacedSecret({ name, namespace: input.namespace }));
  if (!secret) {
    if (input.source.optional) return new Map();
    throw notReady(`MountVolume.SetUp failed for volume "${input.volume}": secret "${name}" not found`);
  }
  const data: Files = new Map();
  for (const [key, value] of Object.entries(secret.data ?? {})) data.set(key, Buffer.from(value, 'base64'));
  return pick({ data, items: input.source.items, optional: input.source.optional ?? false, what: name });
}

function downwardFiles(pod: k8s.V1Pod, items: k8s.V1DownwardAPIVolumeFile[]): Files {
  const files: Files = new Map();
  for (const item of items) {
    const field = item.fieldRef?.fieldPath;
    const value = field ? fieldValue(pod, field) : undefined;
    if (value !== undefined) files.set(item.path, Buffer.from(value));
  }
  return files;
}

/** The value of a downward-API field path (metadata.name, metadata.namespace, status.podIP, ...). */
export function fieldValue(pod: k8s.V1Pod, fieldPath: string): string | undefined {
  const labels = /^metadata\.labels\['(.+)'\]$/.exec(fieldPath);
  if (labels) return pod.metadata?.labels?.[labels[1] as string];
  const annotations = /^metadata\.annotations\['(.+)'\]$/.exec(fieldPath);
  if (annotations) return pod.metadata?.annotations?.[annotations[1] as string];
  const table: Record<string, string | undefined> = {
    'metadata.name': pod.metadata?.name,
    'metadata.namespace': pod.metadata?.namespace,
    'metadata.uid': pod.metadata?.uid,
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName,
    'status.podIP': pod.status?.podIP,
    'status.hostIP': pod.status?.hostIP,
    'metadata.labels': Object.entries(pod.metadata?.labels ?? {})
      .map(([k, v]) => `${k}="${v}"`)
      .join('\n'),
  };
  return table[fieldPath];
}

/** Makes `dir` hold exactly `files`: each written to a temporary name and renamed; others removed. */
function writeFiles(dir: string, files: Files): void {
  fs.mkdirSync(dir, { recursive: true });
  const keep = new Set<string>();
  for (const [file, content] of files) {
    const target = path.join(dir, file);
    keep.add(path.relative(dir, target).split(path.sep)[0] ?? '');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, target);
  }
  for (const entry of fs.readdirSync(dir)) {
    if (!keep.has(entry)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
}
