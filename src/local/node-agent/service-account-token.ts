/**
 * Service-account tokens of projected volumes (`serviceAccountToken` sources, such as the
 * `kube-api-access-*` volume the API server's ServiceAccount admission adds to every pod):
 * a real token from the TokenRequest API, bound to the pod (it stops working when the pod is
 * deleted), for the pod's ServiceAccount, with the source's audience and expiration. As the
 * kubelet does, a token is requested again once 80 % of its lifetime has passed (at most 24 h);
 * `TokenCache.due` tells the pod worker when to rewrite the files.
 */
import type * as k8s from '@kubernetes/client-node';
import { messageOf } from '../shared/errors';
import { AgentErrorCode, LaunchError } from './errors';
import { statusCodeOf, type KubeClients } from './kube-clients';

/** Expiration when the source gives none (the API's default). */
const DEFAULT_EXPIRATION_SECONDS = 3600;
/** Refresh after this share of the lifetime. */
const REFRESH_SHARE = 0.8;
/** Refresh at least this often. */
const MAX_AGE_MS = 24 * 3600 * 1000;

interface CachedToken {
  token: string;
  refreshAt: number;
}

/** The tokens of one pod, by source. */
export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The token for `source` of `pod`: the cached one while it is fresh, else a new one from the API. */
  async token(input: {
    pod: k8s.V1Pod;
    source: k8s.V1ServiceAccountTokenProjection;
    clients: KubeClients;
  }): Promise<string> {
    const key = cacheKey(input.pod, input.source);
    const cached = this.tokens.get(key);
    if (cached && this.now() < cached.refreshAt) return cached.token;
    const issuedAt = this.now();
    const token = await requestToken(input);
    const lifetimeMs = (input.source.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS) * 1000;
    this.tokens.set(key, { token, refreshAt: issuedAt + Math.min(lifetimeMs * REFRESH_SHARE, MAX_AGE_MS) });
    return token;
  }

  /** True when some token of the cache must be requested again. */
  due(): boolean {
    const now = this.now();
    return [...this.tokens.values()].some((t) => now >= t.refreshAt);
  }
}

function cacheKey(pod: k8s.V1Pod, source: k8s.V1ServiceAccountTokenProjection): string {
  return JSON.stringify([pod.metadata?.uid, serviceAccountOf(pod), source.audience ?? '', source.expirationSeconds]);
}

/** The pod's ServiceAccount (`default` when none is named). */
export function serviceAccountOf(pod: k8s.V1Pod): string {
  return pod.spec?.serviceAccountName || pod.spec?.serviceAccount || 'default';
}

/** Requests a token bound to the pod; throws LaunchError (ContainerCreating, retried) when it cannot. */
async function requestToken(input: {
  pod: k8s.V1Pod;
  source: k8s.V1ServiceAccountTokenProjection;
  clients: KubeClients;
}): Promise<string> {
  const { pod, source } = input;
  const namespace = pod.metadata?.namespace ?? 'default';
  const account = serviceAccountOf(pod);
  try {
    const answer = await input.clients.core.createNamespacedServiceAccountToken({
      name: account,
      namespace,
      body: {
        spec: {
          audiences: source.audience ? [source.audience] : [],
          expirationSeconds: source.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS,
          boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name, uid: pod.metadata?.uid },
        },
      },
    });
    const token = answer.status?.token;
    if (!token) throw new Error('the TokenRequest answer has no token');
    return token;
  } catch (error) {
    const why = statusCodeOf(error) === 404 ? `serviceaccount "${account}" not found` : messageOf(error);
    throw new LaunchError({
      code: AgentErrorCode.VolumeNotReady,
      reason: 'ContainerCreating',
      message: `MountVolume.SetUp failed: failed to fetch token for ${namespace}/${account}: ${why}`,
      retryable: true,
    });
  }
}
