import { accessSync, existsSync } from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { KubeErrorCode, KubeErrorKind } from '../errors/codes';
import { KubeApiError } from '../errors/kube-api-error';
import { defaultServiceAccountDir, inClusterOptions } from './in-cluster';

/** Where the kubeconfig comes from. */
export const KubeConfigSource = {
  /** `KUBECONFIG`, then `~/.kube/config`, then the in-cluster service account. */
  Default: 'default',
  /** The pod's service account token and CA (`/var/run/secrets/kubernetes.io/serviceaccount`). */
  InCluster: 'in-cluster',
  /** An explicit kubeconfig file. */
  File: 'file',
} as const;
export type KubeConfigSource = (typeof KubeConfigSource)[keyof typeof KubeConfigSource];

/** Input of {@link loadKubeConfig}. */
export interface LoadKubeConfigOptions {
  /** A kubeconfig file. Set: source `file`. */
  path?: string;
  /** A context of the kubeconfig to use instead of its current context. */
  context?: string;
  /**
   * Force a source; by default `file` when `path` is set, else `default`.
   * @default 'default'
   */
  source?: KubeConfigSource;
  /**
   * Source `in-cluster`: the folder of the pod's service-account token, CA and namespace.
   * @default '/var/run/secrets/kubernetes.io/serviceaccount'
   */
  serviceAccountDir?: string;
}

function configError(message: string, cause?: unknown): KubeApiError {
  return new KubeApiError({
    code: KubeErrorCode.ConfigInvalid,
    kind: KubeErrorKind.Domain,
    message,
    cause,
    request: { verb: 'load', resource: 'kubeconfig' },
  });
}

/** The in-cluster service account token (what the client's in-cluster loading reads). */
export const serviceAccountTokenPath = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Where the default lookup looked, when it found nothing (and `undefined` when it found something). */
function defaultLookupMiss(env: NodeJS.ProcessEnv): string | undefined {
  // The client's own order (KubeConfig.loadFromDefault): KUBECONFIG, ~/.kube/config, in-cluster,
  // and else a made-up http://localhost:8080 cluster, which fails much later with words about TLS.
  if (process.platform === 'win32' || (env.KUBECONFIG ?? '') !== '') return undefined;
  let home: string | undefined = env.HOME;
  if (home) {
    try {
      accessSync(home);
    } catch {
      home = undefined;
    }
  }
  const homeConfig = home ? path.join(home, '.kube', 'config') : undefined;
  if (homeConfig && existsSync(homeConfig)) return undefined;
  if (existsSync(serviceAccountTokenPath)) return undefined;
  return [
    'KUBECONFIG (not set)',
    homeConfig ? `${homeConfig} (no such file)` : '~/.kube/config (HOME is not set)',
    `the in-cluster service account (${serviceAccountTokenPath}: no such file)`,
  ].join(', ');
}

/** Loads a kubeconfig file, or a list of them separated like KUBECONFIG (`a:b`), merged as kubectl does. */
function loadFiles(kc: k8s.KubeConfig, list: string): void {
  const files = list.split(path.delimiter).filter((file) => file !== '');
  const missing = files.filter((file) => !existsSync(file));
  if (missing.length === files.length) {
    throw configError(`no kubeconfig at ${files.join(', ') || '""'} (no such file)`);
  }
  const [first, ...rest] = files.filter((file) => !missing.includes(file));
  kc.loadFromFile(first as string);
  for (const file of rest) {
    const more = new k8s.KubeConfig();
    more.loadFromFile(file);
    kc.mergeConfig(more, Boolean(kc.getCurrentContext()));
  }
}

/**
 * Load a kubeconfig once (synchronous: reads files only, no request to the API server).
 * Throws `K8S_CONFIG_INVALID` when no kubeconfig is found (saying where it looked), the file
 * can't be read, the context is unknown, or no cluster is selected.
 */
export function loadKubeConfig(options: LoadKubeConfigOptions = {}): k8s.KubeConfig {
  const source = options.source ?? (options.path ? KubeConfigSource.File : KubeConfigSource.Default);
  const kc = new k8s.KubeConfig();
  if (source === KubeConfigSource.Default) {
    const lookedIn = defaultLookupMiss(process.env);
    if (lookedIn !== undefined) {
      throw configError(`no kubeconfig found: looked in ${lookedIn}; give one with --kubeconfig <path> or KUBECONFIG`);
    }
  }
  try {
    if (source === KubeConfigSource.File) {
      if (!options.path) throw new Error('source "file" needs a path');
      loadFiles(kc, options.path);
    } else if (source === KubeConfigSource.InCluster) {
      kc.loadFromOptions(
        inClusterOptions({
          env: process.env,
          serviceAccountDir: options.serviceAccountDir ?? defaultServiceAccountDir,
        }),
      );
    } else {
      kc.loadFromDefault();
    }
  } catch (err) {
    if (err instanceof KubeApiError) throw err;
    throw configError(
      `could not load the kubeconfig (${source}${options.path ? ` ${options.path}` : ''}): ` +
        `${err instanceof Error ? err.message : String(err)}`,
      err,
    );
  }
  if (options.context !== undefined) {
    if (!kc.getContextObject(options.context)) {
      const known =
        kc
          .getContexts()
          .map((c) => c.name)
          .join(', ') || 'none';
      throw configError(`kubeconfig has no context "${options.context}" (known: ${known})`);
    }
    kc.setCurrentContext(options.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw configError(`kubeconfig (${source}) selects no cluster`);
  return kc;
}
