import * as k8s from '@kubernetes/client-node';
import { KubeErrorCode, KubeErrorKind } from '../errors/codes';
import { KubeApiError } from '../errors/kube-api-error';

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

/**
 * Load a kubeconfig once (synchronous: reads files only, no request to the API server).
 * Throws `K8S_CONFIG_INVALID` when the file can't be read, the context is unknown, or no
 * cluster is selected.
 */
export function loadKubeConfig(options: LoadKubeConfigOptions = {}): k8s.KubeConfig {
  const source = options.source ?? (options.path ? KubeConfigSource.File : KubeConfigSource.Default);
  const kc = new k8s.KubeConfig();
  try {
    if (source === KubeConfigSource.File) {
      if (!options.path) throw new Error('source "file" needs a path');
      kc.loadFromFile(options.path);
    } else if (source === KubeConfigSource.InCluster) {
      kc.loadFromCluster();
    } else {
      kc.loadFromDefault();
    }
  } catch (err) {
    throw configError(
      `could not load the kubeconfig (${source}${options.path ? ` ${options.path}` : ''}): ${err instanceof Error ? err.message : String(err)}`,
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
