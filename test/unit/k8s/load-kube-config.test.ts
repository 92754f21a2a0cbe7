import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KubeErrorCode, loadKubeConfig } from '../../../src/k8s';

const file = path.join(mkdtempSync(path.join(tmpdir(), 'fd-kc-')), 'kubeconfig');
writeFileSync(
  file,
  `apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: { server: https://127.0.0.1:16443, insecure-skip-tls-verify: true }
- name: b
  cluster: { server: https://127.0.0.2:6443, insecure-skip-tls-verify: true }
users:
- name: u
  user: { token: t }
contexts:
- name: ctx-a
  context: { cluster: a, user: u }
- name: ctx-b
  context: { cluster: b, user: u, namespace: apps }
current-context: ctx-a
`,
);

test('an explicit file, its current context or a chosen one', () => {
  expect(loadKubeConfig({ path: file }).getCurrentCluster()?.server).toBe('https://127.0.0.1:16443');
  expect(loadKubeConfig({ path: file, context: 'ctx-b' }).getCurrentCluster()?.server).toBe('https://127.0.0.2:6443');
});

test('an unknown context or a missing file: K8S_CONFIG_INVALID', () => {
  expect(() => loadKubeConfig({ path: file, context: 'nope' })).toThrow(
    expect.objectContaining({
      code: KubeErrorCode.ConfigInvalid,
      message: 'kubeconfig has no context "nope" (known: ctx-a, ctx-b)',
    }),
  );
  expect(() => loadKubeConfig({ path: path.join(tmpdir(), 'does-not-exist-kubeconfig') })).toThrow(
    expect.objectContaining({ code: KubeErrorCode.ConfigInvalid }),
  );
});
