/** spec.ingress: the operator's template checked and expanded; hostile templates refused, naming the field. */
import { diffSpecs, parseAppSpec, validateManifest } from '../../../src/spec';
import { baseManifest, specOf, yamlOf, type LooseManifest } from './manifest-fixtures';

function withIngress(ingress: unknown, mutate?: (m: LooseManifest) => void): LooseManifest {
  const manifest = baseManifest();
  manifest.spec.ingress = ingress;
  mutate?.(manifest);
  return manifest;
}

function issuesOf(manifest: LooseManifest): { path: string; message: string; hint?: string }[] {
  const result = validateManifest(manifest);
  return result.ok ? [] : result.issues;
}

describe('spec.ingress', () => {
  it("expands the operator's host template into host and path /", () => {
    const spec = specOf(withIngress({ template: '{{name}}.{{namespace}}.flink.example.com' }));
    expect(spec.ingress).toEqual({
      template: '{{name}}.{{namespace}}.flink.example.com',
      host: 'orders.streaming.flink.example.com',
      path: '/',
      annotations: {},
      labels: {},
      tls: [],
    });
  });

  it('expands a path template (no host) with className, annotations, labels and tls', () => {
    const spec = specOf(
      withIngress({
        template: '/{{namespace}}/{{name}}(/|$)(.*)',
        className: 'nginx',
        annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/$2' },
        labels: { team: 'payments' },
        tls: [{ hosts: ['flink.example.com'], secretName: 'flink-tls' }],
      }),
    );
    expect(spec.ingress).toMatchObject({
      path: '/streaming/orders(/|$)(.*)',
      className: 'nginx',
      annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/$2' },
      labels: { team: 'payments' },
      tls: [{ hosts: ['flink.example.com'], secretName: 'flink-tls' }],
    });
    expect(spec.ingress?.host).toBeUndefined();
  });

  it('without spec.ingress the spec has no ingress field (specs of existing applications are unchanged)', () => {
    expect('ingress' in specOf(baseManifest())).toBe(false);
  });

  it.each([
    ['an unknown placeholder', { template: '{{name}}.{{env}}.example.com' }, 'spec.ingress.template', /\{\{env\}\}/],
    [
      'a template expression',
      { template: '{{ .Values.host }}.example.com' },
      'spec.ingress.template',
      /only \{\{name\}\} and \{\{namespace\}\}/,
    ],
    ['a quote', { template: '{{name}}.example.com"; evil' }, 'spec.ingress.template', /quotes/],
    ['a space', { template: '{{name}} .example.com' }, 'spec.ingress.template', /spaces/],
    ['a newline', { template: '{{name}}.example.com\nmalicious: true' }, 'spec.ingress.template', /spaces/],
    ['a scheme', { template: 'https://{{name}}.example.com' }, 'spec.ingress.template', /not a DNS name/],
    ['a port', { template: '{{name}}.example.com:8080' }, 'spec.ingress.template', /not a DNS name/],
    ['an upper-case host', { template: 'Flink.{{name}}.example.com' }, 'spec.ingress.template', /not a DNS name/],
    ['an empty template', { template: '' }, 'spec.ingress.template', /./],
    [
      'a bad className',
      { template: 'a.example.com', className: 'Nginx Class' },
      'spec.ingress.className',
      /IngressClass/,
    ],
    [
      'a bad annotation key',
      { template: 'a.example.com', annotations: { 'bad key': 'x' } },
      'spec.ingress.annotations["bad key"]',
      /annotation key/,
    ],
    [
      'a bad label value',
      { template: 'a.example.com', labels: { team: 'a b' } },
      'spec.ingress.labels["team"]',
      /not a valid label/,
    ],
    [
      'a bad tls host',
      { template: 'a.example.com', tls: [{ hosts: ['a_b.example.com'] }] },
      'spec.ingress.tls[0].hosts',
      /not a DNS name/,
    ],
  ])('refuses %s, naming the field', (_what, ingress, path, message) => {
    const issues = issuesOf(withIngress(ingress));
    expect(issues).toEqual([expect.objectContaining({ path, message: expect.stringMatching(message) })]);
    expect(issues[0]?.hint).toBeTruthy();
  });

  it.each([
    ['a string', 'flink.example.com', 'spec.ingress'],
    ['a number template', { template: 42 }, 'spec.ingress.template'],
    ['an unknown field', { template: 'a.example.com', hosts: ['x'] }, 'spec.ingress.hosts'],
    ['tls as a map', { template: 'a.example.com', tls: { secretName: 'x' } }, 'spec.ingress.tls'],
  ])('refuses %s (wrong type) at its path', (_what, ingress, path) => {
    const result = parseAppSpec(yamlOf(withIngress(ingress)));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((issue) => issue.path)).toContain(path);
  });
});

describe('diff of spec.ingress', () => {
  const before = specOf(withIngress({ template: '{{name}}.example.com' }));

  it('an ingress-only change is class ingress (no upgrade, no restart)', () => {
    const after = specOf(withIngress({ template: '{{name}}.flink.example.com' }));
    const change = diffSpecs(before, after);
    expect(change.class).toBe('ingress');
    expect(change.changes.map((c) => [c.field, c.effect])).toEqual([['ingress', 'ingress']]);
  });

  it('adding and removing the ingress are ingress changes too', () => {
    const none = specOf(baseManifest());
    expect(diffSpecs(none, before).class).toBe('ingress');
    expect(diffSpecs(before, none).class).toBe('ingress');
  });

  it('with an upgrade-class change the upgrade applies the ingress as well', () => {
    const after = specOf(
      withIngress({ template: '{{name}}.flink.example.com' }, (m) => (m.spec.image = 'flink:2.2.1')),
    );
    expect(diffSpecs(before, after).class).toBe('upgrade');
  });

  it('while suspended it is recorded', () => {
    const suspended = (template: string) => specOf(withIngress({ template }, (m) => (m.spec.job.state = 'suspended')));
    expect(diffSpecs(suspended('{{name}}.a.example.com'), suspended('{{name}}.b.example.com')).class).toBe('none');
  });
});
