/** The Ingress of spec.ingress: the operator's shape, our labels and owner, no generation annotations. */
import { generateJobId } from '../../../src/spec';
import { renderApplication, renderIngress } from '../../../src/k8s/render';
import { baseManifest, specOf } from '../spec/manifest-fixtures';

const owner = { apiVersion: 'v1', kind: 'ConfigMap', name: 'orders-deploy-state', uid: 'u-1' };

function specWith(ingress: unknown, labels?: Record<string, string>) {
  const manifest = baseManifest();
  manifest.spec.ingress = ingress;
  if (labels) manifest.metadata.labels = labels;
  return specOf(manifest);
}

describe('renderIngress', () => {
  it('renders the host template to the <app>-rest Service on the REST port', () => {
    const ingress = renderIngress({
      spec: specWith(
        {
          template: '{{name}}.{{namespace}}.flink.example.com',
          className: 'nginx',
          annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'true' },
          labels: { exposure: 'internal' },
          tls: [{ hosts: ['orders.streaming.flink.example.com'], secretName: 'orders-tls' }],
        },
        { team: 'payments' },
      ),
      owner,
    });
    expect(ingress).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: 'orders',
        namespace: 'streaming',
        labels: {
          team: 'payments',
          exposure: 'internal',
          'app.kubernetes.io/name': 'flink',
          'app.kubernetes.io/instance': 'orders',
          'app.kubernetes.io/component': 'ingress',
          'app.kubernetes.io/managed-by': 'flink-deploy',
        },
        annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'true' },
        ownerReferences: [{ ...owner, controller: true, blockOwnerDeletion: false }],
      },
      spec: {
        ingressClassName: 'nginx',
        rules: [
          {
            host: 'orders.streaming.flink.example.com',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'ImplementationSpecific',
                  backend: { service: { name: 'orders-rest', port: { number: 8081 } } },
                },
              ],
            },
          },
        ],
        tls: [{ hosts: ['orders.streaming.flink.example.com'], secretName: 'orders-tls' }],
      },
    });
  });

  it('a path template gives a rule without host', () => {
    const ingress = renderIngress({ spec: specWith({ template: '/{{namespace}}/{{name}}(/|$)(.*)' }) });
    expect(ingress?.spec?.rules).toEqual([
      {
        http: {
          paths: [
            {
              path: '/streaming/orders(/|$)(.*)',
              pathType: 'ImplementationSpecific',
              backend: { service: { name: 'orders-rest', port: { number: 8081 } } },
            },
          ],
        },
      },
    ]);
    expect(ingress?.spec?.ingressClassName).toBeUndefined();
    expect(ingress?.spec?.tls).toBeUndefined();
  });

  it('our labels win over the ingress labels (selectors stay ours)', () => {
    const ingress = renderIngress({
      spec: specWith({ template: 'a.example.com', labels: { 'app.kubernetes.io/managed-by': 'someone-else' } }),
    });
    expect(ingress?.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('flink-deploy');
  });

  it('renderApplication carries it only when the spec has one, the same for every generation', () => {
    const spec = specWith({ template: 'a.example.com' });
    const g1 = renderApplication({ spec, generation: 1, jobId: generateJobId('a/1'), owner });
    const g2 = renderApplication({ spec, generation: 2, jobId: generateJobId('a/2'), owner });
    expect(g1.ingress).toBeDefined();
    expect(g2.ingress).toEqual(g1.ingress);
    expect(
      'ingress' in renderApplication({ spec: specOf(baseManifest()), generation: 1, jobId: generateJobId('b') }),
    ).toBe(false);
  });
});
