import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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

describe('the default lookup (KUBECONFIG, ~/.kube/config, in-cluster)', () => {
  const saved = { HOME: process.env.HOME, KUBECONFIG: process.env.KUBECONFIG };
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  test('with none of them, says that no kubeconfig was found and where it looked', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'fd-home-'));
    process.env.HOME = home;
    delete process.env.KUBECONFIG;
    expect(() => loadKubeConfig()).toThrow(
      expect.objectContaining({
        code: KubeErrorCode.ConfigInvalid,
        message:
          `no kubeconfig found: looked in KUBECONFIG (not set), ${path.join(home, '.kube', 'config')} (no ` +
          `such file), the in-cluster service account (/var/run/secrets/kubernetes.io/serviceaccount/token: ` +
          `no such file); give one with --kubeconfig <path> or KUBECONFIG`,
      }),
    );
  });

  test('~/.kube/config is found', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'fd-home-'));
    mkdirSync(path.join(home, '.kube'));
    copyFileSync(file, path.join(home, '.kube', 'config'));
    process.env.HOME = home;
    delete process.env.KUBECONFIG;
    expect(loadKubeConfig().getCurrentCluster()?.server).toBe('https://127.0.0.1:16443');
  });
});

test('a KUBECONFIG-style list of files is merged; the first current context wins; missing files are skipped', () => {
  const other = path.join(mkdtempSync(path.join(tmpdir(), 'fd-kc-')), 'other');
  writeFileSync(
    other,
    `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: { server: https://127.0.0.3:6443 }
users:
- name: w
  user: { token: t }
contexts:
- name: ctx-c
  context: { cluster: c, user: w }
current-context: ctx-c
`,
  );
  const list = [path.join(tmpdir(), 'no-such-kubeconfig'), file, other].join(path.delimiter);
  const kc = loadKubeConfig({ path: list });
  expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:16443');
  expect(loadKubeConfig({ path: list, context: 'ctx-c' }).getCurrentCluster()?.server).toBe('https://127.0.0.3:6443');
  expect(() => loadKubeConfig({ path: path.join(tmpdir(), 'no-such-kubeconfig') })).toThrow(
    expect.objectContaining({
      message: expect.stringMatching(/^no kubeconfig at .*no-such-kubeconfig \(no such file\)$/),
    }),
  );
});
