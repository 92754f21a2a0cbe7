/**
 * Secrets in `flinkConfiguration`: which keys are sensitive and how their values are shown.
 * Every place that prints or summarises a spec (plan, apply's summary and details, the diff the
 * workflows report) shows `<redacted>` for them. The deployed-state record and the workflow input
 * still hold the real value (rendering the ConfigMap needs it): see docs/architecture.md.
 * Pure: the workflows use it in the sandbox.
 */

/**
 * Flink's own list (`GlobalConfiguration.SENSITIVE_KEYS`, matched like `isSensitive`: the key,
 * lower-cased, contains one of them), plus credentials and keys by name.
 */
export const sensitiveKeyParts: readonly string[] = [
  'password',
  'secret',
  'fs.azure.account.key',
  'apikey',
  'api-key',
  'auth-params',
  'service-key',
  'token',
  'basic-auth',
  'jaas.config',
  'http-headers',
  'credential',
  'private-key',
  'access-key',
];

/** What a sensitive value is shown as. */
export const REDACTED = '<redacted>';

/** True when values of this configuration key must never be printed. */
export function isSensitiveKey(key: string): boolean {
  const lower = key.toLowerCase();
  return sensitiveKeyParts.some((part) => lower.includes(part)) || /[.-]key$/.test(lower);
}

/** The value as it may be shown: `<redacted>` for a sensitive key; unset stays unset. */
export function shownValue(key: string, value: string | undefined): string | undefined {
  return value === undefined || !isSensitiveKey(key) ? value : REDACTED;
}

/** A flinkConfiguration with sensitive values replaced by `<redacted>`. */
export function redactedConfig(config: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, shownValue(k, v) ?? v]));
}
