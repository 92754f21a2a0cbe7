/**
 * The fault proxy in front of the test stack's kube-apiserver: the upstream (the stack's server, the admin's
 * client certificate) and a kubeconfig whose server is the proxy (what the worker, or a test's client, is given).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stack } from '../../support/stack';
import type { KubeUpstream } from './fault-proxy';

/** The stack's kube-apiserver, called with the admin's client certificate. */
export function stackKubeUpstream(): KubeUpstream {
  const server = /server:\s*(\S+)/.exec(readFileSync(stack.kubeconfig, 'utf8'))?.[1];
  if (!server) throw new Error(`no server in ${stack.kubeconfig}`);
  const pki = path.join(stack.dir, 'pki');
  return {
    server,
    ca: readFileSync(path.join(pki, 'ca.crt')),
    cert: readFileSync(path.join(pki, 'admin.crt')),
    key: readFileSync(path.join(pki, 'admin.key')),
  };
}

/** Writes `<dir>/kubeconfig-via-proxy`, its server the proxy on loopback at `port`; returns its path. */
export function writeProxyKubeconfig(dir: string, port: number): string {
  const kubeconfig = path.join(dir, 'kubeconfig-via-proxy');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: proxy, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]`,
      'users: [{name: proxy, user: {}}]',
      'contexts: [{name: proxy, context: {cluster: proxy, user: proxy}}]',
      'current-context: proxy',
      '',
    ].join('\n'),
  );
  return kubeconfig;
}
