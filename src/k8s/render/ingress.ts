/**
 * The Ingress of `spec.ingress` (the Apache operator's form): one rule to the `<app>-rest` Service's REST
 * port, host and path from the expanded template, pathType ImplementationSpecific (as the operator: a path
 * such as `/{{namespace}}/{{name}}(/|$)(.*)` is a regular expression for ingress-nginx). Its labels are the
 * application's, then the ingress's own, then ours; its owner the record, as every other object.
 */
import type { V1Ingress } from '@kubernetes/client-node';
import type { AppSpec } from '../../spec';
import { objectLabels, type OwnerRef } from './labels';
import { FlinkPort, objectNames } from './names';
import { objectMeta } from './objects';

/** The component label of the Ingress. */
export const ingressComponent = 'ingress';

/**
 * The Ingress of the application, or undefined when its spec has none. It carries no generation or job
 * annotations: it does not change with a deploy generation, so an ingress-only change applies it alone.
 */
export function renderIngress(input: { spec: AppSpec; owner?: OwnerRef }): V1Ingress | undefined {
  const { spec } = input;
  const ingress = spec.ingress;
  if (!ingress) return undefined;
  const names = objectNames(spec.name);
  const meta = objectMeta({
    spec,
    name: names.ingress,
    component: ingressComponent,
    annotations: {},
    ...(input.owner ? { owner: input.owner } : {}),
  });
  const rendered: V1Ingress = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      ...meta,
      labels: {
        ...objectLabels({
          app: spec.name,
          component: ingressComponent,
          userLabels: { ...spec.labels, ...ingress.labels },
        }),
      },
      annotations: { ...spec.annotations, ...ingress.annotations },
    },
    spec: {
      ...(ingress.className !== undefined ? { ingressClassName: ingress.className } : {}),
      rules: [
        {
          ...(ingress.host !== undefined ? { host: ingress.host } : {}),
          http: {
            paths: [
              {
                path: ingress.path,
                pathType: 'ImplementationSpecific',
                backend: { service: { name: names.restService, port: { number: FlinkPort.Rest } } },
              },
            ],
          },
        },
      ],
      ...(ingress.tls.length > 0 ? { tls: ingress.tls } : {}),
    },
  };
  return rendered;
}
