/**
 * `spec.ingress`: the Flink UI/REST Service behind a networking.k8s.io/v1 Ingress, in the Apache
 * operator's form. `template` is a host and/or path in which `{{name}}` and `{{namespace}}` are
 * replaced (e.g. `{{name}}.{{namespace}}.flink.example.com` or `/{{namespace}}/{{name}}(/|$)(.*)`);
 * nothing else in it is expanded, and the expanded host must be a DNS name, so a template cannot
 * inject anything into the rendered object.
 */
import { z } from 'zod';
import { isDns1123Subdomain } from './validators';
import { SpecIssueCode, type IngressSpec, type SpecIssue } from './types';

const placeholder = /\{\{\s*([^}]*?)\s*\}\}/g;
const knownPlaceholders = new Set(['name', 'namespace']);

/** A label or annotation key as Kubernetes allows it: `[prefix/]name`. */
export function isQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !isDns1123Subdomain(prefix)) return false;
  return name.length >= 1 && name.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name);
}

/** A label value: at most 63 characters of `[A-Za-z0-9_.-]`, alphanumeric at both ends (or empty). */
export function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(value));
}

/** The zod schema of `spec.ingress` (structure only; the template is checked by `ingressIssues`). */
export const ingressSchema = z.strictObject({
  template: z.string().min(1),
  className: z.string().optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  tls: z.array(z.strictObject({ hosts: z.array(z.string()).optional(), secretName: z.string().optional() })).optional(),
});
export type IngressManifest = z.infer<typeof ingressSchema>;

/** The template with `{{name}}` and `{{namespace}}` replaced. */
export function expandIngressTemplate(template: string, app: { name: string; namespace: string }): string {
  return template.replace(placeholder, (_all, key: string) => (key === 'name' ? app.name : app.namespace));
}

/** Host and path of an expanded template: the host is what comes before the first `/` (may be empty). */
export function splitIngressUrl(expanded: string): { host?: string; path: string } {
  const slash = expanded.indexOf('/');
  const host = slash < 0 ? expanded : expanded.slice(0, slash);
  const path = slash < 0 ? '/' : expanded.slice(slash);
  return host ? { host, path } : { path };
}

function invalid(path: string, message: string, hint: string): SpecIssue {
  return { code: SpecIssueCode.InvalidValue, path, message, hint };
}

/** What is wrong with a schema-valid ingress for the application `app` (empty: nothing). */
export function ingressIssues(ingress: IngressManifest, app: { name: string; namespace: string }): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const base = 'spec.ingress';
  for (const match of ingress.template.matchAll(placeholder)) {
    if (!knownPlaceholders.has(match[1] ?? ''))
      issues.push(
        invalid(
          `${base}.template`,
          `the ingress template has the placeholder ${JSON.stringify(match[0])}; only {{name}} and {{namespace}} ` +
            'are replaced',
          'Write the host and path literally, with {{name}} and {{namespace}} where the application goes.',
        ),
      );
  }
  if (issues.length > 0) return issues;
  const expanded = expandIngressTemplate(ingress.template, app);
  const { host } = splitIngressUrl(expanded);
  if (/[{}]/.test(expanded) || /[\s\\"'`<>]/.test(expanded) || /[^\x21-\x7e]/.test(expanded)) {
    issues.push(
      invalid(
        `${base}.template`,
        `the ingress template ${JSON.stringify(ingress.template)} has characters an Ingress host or path cannot ` +
          'hold (braces, spaces, quotes, backslashes, angle brackets or non-ASCII)',
        'Use a host such as {{name}}.{{namespace}}.flink.example.com and/or a path such as /{{namespace}}/{{name}}.',
      ),
    );
    return issues;
  }
  if (host !== undefined && !isDns1123Subdomain(host.startsWith('*.') ? host.slice(2) : host)) {
    issues.push(
      invalid(
        `${base}.template`,
        `the ingress host "${host}" (from the template) is not a DNS name`,
        'Use lower-case letters, digits, "-" and "." (a leading "*." is allowed), e.g. ' +
          '{{name}}.{{namespace}}.flink.example.com; no port, no scheme.',
      ),
    );
  }
  if (ingress.className !== undefined && !isDns1123Subdomain(ingress.className)) {
    issues.push(
      invalid(
        `${base}.className`,
        `"${ingress.className}" is not an IngressClass name`,
        'Use the name of an IngressClass of the cluster (lower-case letters, digits, "-" and ".").',
      ),
    );
  }
  for (const key of Object.keys(ingress.annotations ?? {})) {
    if (!isQualifiedName(key))
      issues.push(
        invalid(
          `${base}.annotations["${key}"]`,
          `"${key}" is not an annotation key`,
          'Use [prefix/]name, e.g. nginx.ingress.kubernetes.io/rewrite-target.',
        ),
      );
  }
  for (const [key, value] of Object.entries(ingress.labels ?? {})) {
    if (!isQualifiedName(key) || !isLabelValue(value))
      issues.push(
        invalid(
          `${base}.labels["${key}"]`,
          `"${key}: ${value}" is not a valid label`,
          'Keys are [prefix/]name; values at most 63 letters, digits, "-", "_" and ".".',
        ),
      );
  }
  (ingress.tls ?? []).forEach((tls, index) => {
    for (const tlsHost of tls.hosts ?? []) {
      const bare = tlsHost.startsWith('*.') ? tlsHost.slice(2) : tlsHost;
      if (!isDns1123Subdomain(expandIngressTemplate(bare, app)) || /[{}]/.test(expandIngressTemplate(bare, app)))
        issues.push(
          invalid(
            `${base}.tls[${index}].hosts`,
            `"${tlsHost}" is not a DNS name`,
            'List the host names the certificate covers.',
          ),
        );
    }
    if (tls.secretName !== undefined && !isDns1123Subdomain(tls.secretName))
      issues.push(
        invalid(
          `${base}.tls[${index}].secretName`,
          `"${tls.secretName}" is not a Secret name`,
          'Name the TLS Secret of the namespace.',
        ),
      );
  });
  return issues;
}

/** The normalised ingress (keys sorted by the caller's canonical JSON; host/path expanded). */
export function normalizeIngress(ingress: IngressManifest, app: { name: string; namespace: string }): IngressSpec {
  const { host, path } = splitIngressUrl(expandIngressTemplate(ingress.template, app));
  return {
    template: ingress.template,
    ...(host !== undefined ? { host } : {}),
    path,
    ...(ingress.className !== undefined ? { className: ingress.className } : {}),
    annotations: ingress.annotations ?? {},
    labels: ingress.labels ?? {},
    tls: (ingress.tls ?? []).map((tls) => ({
      ...(tls.hosts ? { hosts: tls.hosts.map((h) => expandIngressTemplate(h, app)) } : {}),
      ...(tls.secretName !== undefined ? { secretName: tls.secretName } : {}),
    })),
  };
}
