/** In-cluster configuration from a service-account folder given as an input (the node agent mounts it elsewhere). */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KubeConfigSource, KubeErrorCode, loadKubeConfig, runsInCluster } from '../../../src/k8s';

const dir = mkdtempSync(path.join(tmpdir(), 'fd-sa-'));
writeFileSync(path.join(dir, 'token'), 'token-1');
writeFileSync(path.join(dir, 'ca.crt'), 'not checked until a request');
writeFileSync(path.join(dir, 'namespace'), 'flink-deploy-system\n');
const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };

afterEach(() => {
  for (const [name, value] of [
    ['KUBERNETES_SERVICE_HOST', saved.host],
    ['KUBERNETES_SERVICE_PORT', saved.port],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

test('the API server from KUBERNETES_SERVICE_HOST/PORT, the token file, CA and namespace', async () => {
  process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
  process.env.KUBERNETES_SERVICE_PORT = '16443';
  const kc = loadKubeConfig({ source: KubeConfigSource.InCluster, serviceAccountDir: dir });
  expect(kc.getCurrentCluster()).toMatchObject({ server: 'https://127.0.0.1:16443', caFile: path.join(dir, 'ca.crt') });
  expect(kc.getContextObject(kc.getCurrentContext())?.namespace).toBe('flink-deploy-system');
  const headers = async () => {
    const options: { headers?: Record<string, string> } = {};
    await kc.applyToHTTPSOptions(options);
    return options.headers;
  };
  expect(await headers()).toMatchObject({ Authorization: 'Bearer token-1' });
  process.env.KUBERNETES_SERVICE_HOST = 'fd00::1';
  expect(
    loadKubeConfig({ source: KubeConfigSource.InCluster, serviceAccountDir: dir }).getCurrentCluster()?.server,
  ).toBe('https://[fd00::1]:16443');
});

test('a folder without a token, or no KUBERNETES_SERVICE_HOST: K8S_CONFIG_INVALID naming what is missing', () => {
  const empty = path.join(dir, 'empty');
  mkdirSync(empty, { recursive: true });
  process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
  process.env.KUBERNETES_SERVICE_PORT = '16443';
  expect(() => loadKubeConfig({ source: KubeConfigSource.InCluster, serviceAccountDir: empty })).toThrow(
    expect.objectContaining({
      code: KubeErrorCode.ConfigInvalid,
      message: expect.stringContaining(
        `no token in the service-account folder ${empty} (${path.join(empty, 'token')}: no such file)`,
      ) as string,
    }),
  );
  delete process.env.KUBERNETES_SERVICE_HOST;
  expect(runsInCluster(process.env)).toBe(false);
  expect(() => loadKubeConfig({ source: KubeConfigSource.InCluster, serviceAccountDir: dir })).toThrow(
    /KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set/,
  );
});
