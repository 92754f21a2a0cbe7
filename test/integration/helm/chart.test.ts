/**
 * The Helm chart (deploy/helm/flink-deploy): `helm lint --strict` with the default and the full values, the rendered
 * templates of both as snapshots (a change to the chart shows in review), the worker's Role equal to
 * deploy/rbac.yaml and Flink's to deploy/flink-rbac.yaml, and bad values refused with a message naming them.
 * Needs the helm CLI of the stack (scripts/stack/build-helm.sh), not the running stack.
 */
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { chartDir, fullValues, helm, renderChart, type Rendered } from '../../support/helm';
import { stack } from '../../support/stack';

function rulesOf(file: string, kind = 'Role'): unknown {
  const docs = parseAllDocuments(readFileSync(path.join(stack.root, 'deploy', file), 'utf8')).map(
    (d) => d.toJS() as { kind: string; rules?: unknown },
  );
  return docs.find((d) => d.kind === kind)?.rules;
}

function find<T = Rendered>(objects: Rendered[], kind: string, namespace: string, name?: string): T {
  const found = objects.find(
    (o) => o.kind === kind && o.metadata.namespace === namespace && (name === undefined || o.metadata.name === name),
  );
  if (!found) throw new Error(`no ${kind} ${name ?? ''} in ${namespace}`);
  return found as unknown as T;
}

function valuesFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'fd-helm-values-')), 'values.yaml');
  writeFileSync(file, text);
  return file;
}

test('helm lint --strict passes with the default values and with every value set', async () => {
  for (const args of [[], ['--values', fullValues]]) {
    const run = await helm(['lint', '--strict', chartDir, ...args]);
    expect({ code: run.code, out: run.stdout }).toEqual({
      code: 0,
      out: expect.stringContaining('1 chart(s) linted, 0 chart(s) failed') as string,
    });
  }
});

test('the defaults render the worker, its RBAC in namespace flink, Flink RBAC and the metrics Service', async () => {
  const { text, objects } = await renderChart({ name: 'fd', namespace: 'flink-deploy-system' });
  expect(text).toMatchSnapshot();
  expect(objects.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual([
    'Deployment flink-deploy-system/fd-flink-deploy',
    'Role flink/fd-flink-deploy',
    'Role flink/flink',
    'RoleBinding flink/fd-flink-deploy',
    'RoleBinding flink/flink',
    'Service flink-deploy-system/fd-flink-deploy-metrics',
    'ServiceAccount flink-deploy-system/fd-flink-deploy',
    'ServiceAccount flink/flink',
  ]);
  expect(find<k8s.V1Role>(objects, 'Role', 'flink', 'fd-flink-deploy').rules).toEqual(rulesOf('rbac.yaml'));
  expect(find<k8s.V1Role>(objects, 'Role', 'flink', 'flink').rules).toEqual(rulesOf('flink-rbac.yaml'));
  expect(find<k8s.V1RoleBinding>(objects, 'RoleBinding', 'flink', 'fd-flink-deploy').subjects).toEqual([
    { kind: 'ServiceAccount', name: 'fd-flink-deploy', namespace: 'flink-deploy-system' },
  ]);
  const pod = find<k8s.V1Deployment>(objects, 'Deployment', 'flink-deploy-system').spec!.template.spec!;
  const container = pod.containers[0]!;
  expect(pod.serviceAccountName).toBe('fd-flink-deploy');
  expect(container.image).toBe('flink-deploy-worker:0.1.0');
  expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'health' });
  expect(container.livenessProbe?.httpGet).toEqual({ path: '/livez', port: 'health' });
  expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
  const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
  expect(env).toMatchObject({
    FLINK_DEPLOY_HEALTH_ADDRESS: '$(FLINK_DEPLOY_POD_IP):8080',
    FLINK_DEPLOY_METRICS_ADDRESS: '$(FLINK_DEPLOY_POD_IP):9464',
    FLINK_DEPLOY_OBSERVE_NAMESPACES: 'flink',
  });
  // No Secret is ever created: the chart only references the ones the user made.
  expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  expect(env).not.toHaveProperty('TEMPORAL_API_KEY_FILE');
});

test('the full values: Secrets referenced by name and mounted, two namespaces, a ServiceMonitor', async () => {
  const { text, objects } = await renderChart({
    name: 'platform',
    namespace: 'flink-deploy-system',
    args: ['--values', fullValues],
  });
  expect(text).toMatchSnapshot();
  for (const ns of ['team-a', 'team-b']) {
    expect(find<k8s.V1Role>(objects, 'Role', ns, 'platform-flink-deploy').rules).toEqual(rulesOf('rbac.yaml'));
    expect(find<k8s.V1ServiceAccount>(objects, 'ServiceAccount', ns, 'flink-ha').metadata?.name).toBe('flink-ha');
  }
  const pod = find<k8s.V1Deployment>(objects, 'Deployment', 'flink-deploy-system').spec!.template.spec!;
  const env = Object.fromEntries((pod.containers[0]!.env ?? []).map((e) => [e.name, e.value]));
  expect(env).toMatchObject({
    TEMPORAL_API_KEY_FILE: '/etc/flink-deploy/temporal-api-key/apiKey',
    TEMPORAL_TLS: 'true',
    TEMPORAL_TLS_CLIENT_CERT_PATH: '/etc/flink-deploy/temporal-tls/client.pem',
    TEMPORAL_TLS_CLIENT_KEY_PATH: '/etc/flink-deploy/temporal-tls/client.key',
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/etc/flink-deploy/temporal-tls/ca.pem',
    FLINK_DEPLOY_PAYLOAD_KEYS: '/etc/flink-deploy/payload-keys',
    FLINK_DEPLOY_OBSERVE_NAMESPACES: 'team-a,team-b',
    FLINK_DEPLOY_HEALTH_ADDRESS: '0.0.0.0:8081',
  });
  expect((pod.volumes ?? []).map((v) => v.secret?.secretName).filter(Boolean)).toEqual([
    'temporal-cloud-api-key',
    'temporal-mtls',
    'flink-deploy-payload-keys',
  ]);
  expect(
    find<{ spec: { endpoints: unknown } }>(objects, 'ServiceMonitor', 'flink-deploy-system').spec.endpoints,
  ).toEqual([{ port: 'metrics', path: '/metrics', interval: '15s', scrapeTimeout: '5s' }]);
});

test('bad values are refused with a message naming the value and what to do', async () => {
  const cases: Array<[string, string]> = [
    ['namespaces: []\n', 'namespaces: list at least one namespace the worker deploys Flink applications into'],
    ['namespaces: [Team_A]\n', `namespaces: "Team_A" is not a namespace name`],
    [
      'metrics: { service: { enabled: false }, serviceMonitor: { enabled: true } }\n',
      'metrics.serviceMonitor.enabled needs metrics.service.enabled',
    ],
    ['serviceAccount: { create: false, name: "" }\n', 'serviceAccount.name: the ServiceAccount the worker runs as'],
  ];
  for (const [values, message] of cases) {
    const run = await helm(['template', 'fd', chartDir, '--values', valuesFile(values)]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 1,
      stderr: expect.stringContaining(message) as string,
    });
  }
});
