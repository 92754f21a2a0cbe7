/**
 * In-cluster configuration: the API server from `KUBERNETES_SERVICE_HOST`/`KUBERNETES_SERVICE_PORT`
 * and the pod's ServiceAccount token, CA and namespace from one folder, as
 * `@kubernetes/client-node`'s `loadFromCluster` builds it, but with the folder as an input: the
 * kubelet mounts it at `/var/run/secrets/kubernetes.io/serviceaccount`, the local stack's node agent
 * elsewhere (it passes the path rewritten in the container's env, docs/node-agent.md). The token is
 * read again at every refresh (the client's `tokenFile` provider), so a rotated token is used.
 */
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';

/** Where a kubelet mounts the pod's service-account token, CA and namespace. */
export const defaultServiceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

/** True when this process runs in a Kubernetes pod (the kubelet sets the variable in every container). */
export function runsInCluster(env: NodeJS.ProcessEnv): boolean {
  return (env.KUBERNETES_SERVICE_HOST ?? '') !== '';
}

/** What `KubeConfig.loadFromOptions` takes. */
export interface KubeConfigOptions {
  clusters: k8s.Cluster[];
  users: k8s.User[];
  contexts: k8s.Context[];
  currentContext: string;
}

/**
 * The in-cluster kubeconfig, for `KubeConfig.loadFromOptions`. Throws an Error naming what is
 * missing (the variables, the token or CA file) and what to do.
 */
export function inClusterOptions(input: { env: NodeJS.ProcessEnv; serviceAccountDir: string }): KubeConfigOptions {
  const host = input.env.KUBERNETES_SERVICE_HOST ?? '';
  const port = input.env.KUBERNETES_SERVICE_PORT ?? '';
  if (host === '' || port === '') {
    throw new Error(
      'KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set (a kubelet sets them in every ' +
        'pod); outside a cluster give a kubeconfig with --kubeconfig or KUBECONFIG',
    );
  }
  const token = path.join(input.serviceAccountDir, 'token');
  const ca = path.join(input.serviceAccountDir, 'ca.crt');
  for (const file of [token, ca]) {
    if (!existsSync(file)) {
      throw new Error(
        `no ${path.basename(file)} in the service-account folder ${input.serviceAccountDir} (${file}: no such file); ` +
          'mount the ServiceAccount token (automountServiceAccountToken) or set FLINK_DEPLOY_SERVICE_ACCOUNT_DIR',
      );
    }
  }
  const namespaceFile = path.join(input.serviceAccountDir, 'namespace');
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : undefined;
  const scheme = ['80', '8080', '8001'].includes(port) ? 'http' : 'https';
  const server = `${scheme}://${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
  return {
    clusters: [{ name: 'in-cluster', server, caFile: ca, skipTLSVerify: false }],
    users: [{ name: 'service-account', authProvider: { name: 'tokenFile', config: { tokenFile: token } } }],
    contexts: [{ name: 'in-cluster', cluster: 'in-cluster', user: 'service-account', namespace }],
    currentContext: 'in-cluster',
  };
}
