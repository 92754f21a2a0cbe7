import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeSettings, loadSettings, SettingsError, settingDefinitions } from '../../../src/config/settings';
import { temporalConnectConfig, temporalProfile } from '../../../src/config/temporal-connection';
import { formatDuration, parseDuration } from '../../../src/config/durations';

/** An environment with no Temporal config file, so the developer's own file never leaks in. */
function env(vars: Record<string, string> = {}): Record<string, string> {
  return { TEMPORAL_CONFIG_FILE: path.join(os.tmpdir(), 'flink-deploy-no-such-temporal.toml'), ...vars };
}

test('defaults: local Temporal, the flink-deploy task queue, endpoint-slice outside a cluster', () => {
  const settings = loadSettings({}, env());
  expect(settings).toMatchObject({
    temporalAddress: '127.0.0.1:7233',
    temporalNamespace: 'default',
    taskQueue: 'flink-deploy',
    flinkEndpoint: 'endpoint-slice',
    metricsAddress: '127.0.0.1:9464',
    uiUrl: 'http://127.0.0.1:8233',
    pollIntervalMs: 2_000,
    flinkRequestTimeoutMs: 10_000,
    logLevel: 'info',
  });
  expect(settings.kubeconfig).toBeUndefined();
  expect(settings.temporalApiKey).toBeUndefined();
});

test('inside a cluster the Flink endpoint defaults to service-dns', () => {
  expect(loadSettings({}, env({ KUBERNETES_SERVICE_HOST: '10.0.0.1' })).flinkEndpoint).toBe('service-dns');
});

test('env overrides defaults, flags override env', () => {
  const vars = env({
    TEMPORAL_ADDRESS: 'temporal.example:7233',
    FLINK_DEPLOY_TASK_QUEUE: 'from-env',
    KUBECONFIG: '/k/config',
    FLINK_DEPLOY_POLL_INTERVAL: '500ms',
    FLINK_DEPLOY_UI_URL: 'https://ui.example/',
  });
  const fromEnv = loadSettings({}, vars);
  expect(fromEnv).toMatchObject({
    temporalAddress: 'temporal.example:7233',
    taskQueue: 'from-env',
    kubeconfig: '/k/config',
    pollIntervalMs: 500,
    uiUrl: 'https://ui.example',
  });
  const fromFlags = loadSettings({ temporalAddress: '10.1.1.1:7000', taskQueue: 'from-flag' }, vars);
  expect(fromFlags).toMatchObject({ temporalAddress: '10.1.1.1:7000', taskQueue: 'from-flag' });
});

test('FLINK_DEPLOY_KUBECONFIG wins over KUBECONFIG', () => {
  expect(loadSettings({}, env({ KUBECONFIG: '/a', FLINK_DEPLOY_KUBECONFIG: '/b' })).kubeconfig).toBe('/b');
});

test.each([
  ['temporal.address', { TEMPORAL_ADDRESS: 'no-port' }, 'TEMPORAL_ADDRESS'],
  ['flink.endpoint', { FLINK_DEPLOY_FLINK_ENDPOINT: 'dns' }, 'FLINK_DEPLOY_FLINK_ENDPOINT'],
  ['pollInterval', { FLINK_DEPLOY_POLL_INTERVAL: 'soon' }, 'FLINK_DEPLOY_POLL_INTERVAL'],
  ['log.level', { FLINK_DEPLOY_LOG_LEVEL: 'loud' }, 'FLINK_DEPLOY_LOG_LEVEL'],
  ['metrics.address', { FLINK_DEPLOY_METRICS_ADDRESS: ':9464x' }, 'FLINK_DEPLOY_METRICS_ADDRESS'],
])('a bad %s names the setting, where it came from and its env var', (name, vars, envName) => {
  let error: unknown;
  try {
    loadSettings({}, env(vars));
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(SettingsError);
  const settingsError = error as SettingsError;
  expect(settingsError.code).toBe('InvalidSetting');
  expect(settingsError.setting).toBe(name);
  expect(settingsError.message).toContain(name);
  expect(settingsError.message).toContain(`env ${envName}`);
});

test('a duration longer than a timer holds (24d20h31m23s647ms) is refused naming the limit; the limit is taken', () => {
  expect(() => loadSettings({}, env({ FLINK_DEPLOY_POLL_INTERVAL: '30d' }))).toThrow(
    /pollInterval.*at most 24d20h31m23s647ms/,
  );
  expect(loadSettings({}, env({ FLINK_DEPLOY_POLL_INTERVAL: '24d' })).pollIntervalMs).toBe(24 * 86_400_000);
});

test.each([
  ['pollInterval', { FLINK_DEPLOY_POLL_INTERVAL: '10ms' }, '100ms'],
  ['savepoint.pollInterval', { FLINK_DEPLOY_SAVEPOINT_POLL_INTERVAL: '1ms' }, '50ms'],
  ['observer.interval', { FLINK_DEPLOY_OBSERVE_INTERVAL: '100ms' }, '1s'],
])('a poll more often than its floor (%s) is refused naming the floor', (name, vars, floor) => {
  expect(() => loadSettings({}, env(vars))).toThrow(new RegExp(`${name.replace('.', '\\.')}.*at least ${floor}`));
});

test('a bad flag value says it came from the flag', () => {
  expect(() => loadSettings({ temporalAddress: 'nope' }, env())).toThrow(/from flag --address/);
});

test('an API key file: its trimmed content is the key, never printed; a missing or empty file is refused', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flink-deploy-key-'));
  const file = path.join(dir, 'api-key');
  writeFileSync(file, 'sekrit-key-123\n');
  const settings = loadSettings({ temporalApiKeyFile: file }, env());
  expect(temporalProfile(settings).apiKey).toBe('sekrit-key-123');
  expect(JSON.stringify(describeSettings(settings))).not.toContain('sekrit-key-123');
  expect(() => loadSettings({}, env({ TEMPORAL_API_KEY_FILE: path.join(dir, 'missing') }))).toThrow(
    /TEMPORAL_API_KEY_FILE.*cannot read .*missing: ENOENT/s,
  );
  writeFileSync(file, '  \n');
  expect(() => loadSettings({ temporalApiKeyFile: file }, env())).toThrow(/is empty: expected the API key/);
});

test('an API key is never printed in errors', () => {
  expect(() => loadSettings({ temporalApiKey: '  ' }, env())).toThrow(/\(hidden\)/);
});

test('the Temporal connection: the TOML profile, TEMPORAL_* env over it, flags over both', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flink-deploy-toml-'));
  const file = path.join(dir, 'temporal.toml');
  writeFileSync(
    file,
    [
      '[profile.default]',
      'address = "file-default:7233"',
      'namespace = "ns-file"',
      '',
      '[profile.cloud]',
      'address = "cloud.example:7233"',
      'namespace = "prod.abc12"',
      'api_key = "secret-from-file"',
      '',
    ].join('\n'),
  );
  const fromFile = loadSettings({}, { TEMPORAL_CONFIG_FILE: file });
  expect(fromFile).toMatchObject({ temporalAddress: 'file-default:7233', temporalNamespace: 'ns-file' });

  const cloud = loadSettings({ temporalProfile: 'cloud' }, { TEMPORAL_CONFIG_FILE: file });
  const config = temporalConnectConfig(cloud);
  expect(config.namespace).toBe('prod.abc12');
  expect(config.connectionOptions).toMatchObject({
    address: 'cloud.example:7233',
    apiKey: 'secret-from-file',
    tls: true,
  });

  const overridden = loadSettings(
    { temporalNamespace: 'flag-ns' },
    { TEMPORAL_CONFIG_FILE: file, TEMPORAL_ADDRESS: 'env:7233' },
  );
  expect(overridden).toMatchObject({ temporalAddress: 'env:7233', temporalNamespace: 'flag-ns' });
});

test('an unknown profile is a setting error naming temporal.profile', () => {
  expect(() => loadSettings({ temporalProfile: 'missing' }, env())).toThrow(SettingsError);
});

test('plain local connection: no TLS, no API key', () => {
  const config = temporalConnectConfig(loadSettings({}, env()));
  expect(config).toEqual({
    namespace: 'default',
    connectionOptions: { address: '127.0.0.1:7233', apiKey: undefined, tls: undefined, metadata: undefined },
  });
});

test('TLS flags become a TLS config; --tls false turns it off', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flink-deploy-tls-'));
  const ca = path.join(dir, 'ca.pem');
  writeFileSync(ca, 'CA');
  const on = temporalConnectConfig(
    loadSettings({ temporalTlsCaPath: ca, temporalTlsServerName: 'temporal.internal' }, env()),
  );
  expect(on.connectionOptions.tls).toMatchObject({
    serverNameOverride: 'temporal.internal',
    serverRootCACertificate: Buffer.from('CA'),
  });
  const off = temporalConnectConfig(loadSettings({ temporalTls: 'false' }, env()));
  expect(off.connectionOptions.tls).toBe(false);
});

test('every setting has a name, a flag, an env var and a description', () => {
  for (const definition of settingDefinitions) {
    expect(definition.flag).toMatch(/^--[a-z-]+/);
    expect(definition.env.length).toBeGreaterThan(0);
    expect(definition.description.length).toBeGreaterThan(5);
  }
  expect(new Set(settingDefinitions.map((d) => d.flag.split(' ')[0])).size).toBe(settingDefinitions.length);
});

test('durations', () => {
  expect(parseDuration('15m')).toBe(900_000);
  expect(parseDuration('1h30m')).toBe(5_400_000);
  expect(parseDuration('7d')).toBe(604_800_000);
  expect(parseDuration('500ms')).toBe(500);
  expect(parseDuration('5')).toBe(5_000);
  expect(parseDuration('5 minutes')).toBeUndefined();
  expect(parseDuration('')).toBeUndefined();
  expect(formatDuration(900_000)).toBe('15m');
  expect(formatDuration(90_000)).toBe('1m30s');
});

test('payload keys: a good key file is loaded (never shown); a bad one is refused naming the file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'payload-keys-'));
  const good = path.join(dir, 'keys');
  writeFileSync(good, `k1=${Buffer.alloc(32, 7).toString('base64')}\n`);
  const settings = loadSettings({}, env({ FLINK_DEPLOY_PAYLOAD_KEYS: good }));
  expect(settings.payloadKeys?.current).toBe('k1');
  expect(describeSettings(settings)['temporal.payloadKeys']).toBe('(set)');
  const bad = path.join(dir, 'short');
  writeFileSync(bad, 'k1=c2hvcnQ=\n');
  expect(() => loadSettings({ payloadKeys: bad }, env())).toThrow(SettingsError);
  expect(() => loadSettings({ payloadKeys: bad }, env())).toThrow(/short.*key "k1" is not 32 bytes of base64/);
});

test('sessionJob.jarMirrors: from=to pairs, in order; a pair that is not one is refused naming it', () => {
  const settings = loadSettings(
    {},
    env({
      FLINK_DEPLOY_SESSION_JAR_MIRRORS:
        'https://repo1.maven.org/maven2/=http://127.0.0.1:8081/maven2/, s3://jars/=https://jars.internal/',
    }),
  );
  expect(settings.sessionJarMirrors).toEqual([
    { from: 'https://repo1.maven.org/maven2/', to: 'http://127.0.0.1:8081/maven2/' },
    { from: 's3://jars/', to: 'https://jars.internal/' },
  ]);
  expect(loadSettings({}, env()).sessionJarMirrors).toBeUndefined();
  for (const bad of ['https://a/', 'https://a/=file:///tmp/', 'https://a/=https://b/=https://c/'])
    expect(() => loadSettings({}, env({ FLINK_DEPLOY_SESSION_JAR_MIRRORS: bad }))).toThrow(`"${bad}" is not from=to`);
});
