/**
 * Issue 11 item 4: values of secret-looking flinkConfiguration keys never show in what we print
 * or summarise (plan, apply's static summary and details, the diff the workflows report); a
 * rotated secret still counts as a change.
 */
import { applyDetails, applySummary } from '../../../src/cli/summaries';
import { planJson, planText } from '../../../src/cli/plan-view';
import { diffSpecs, type AppSpec } from '../../../src/spec';
import { isSensitiveKey, REDACTED } from '../../../src/spec/redact';
import { baseManifest, specOf } from './manifest-fixtures';

function withConfig(config: Record<string, string>): AppSpec {
  const manifest = baseManifest();
  manifest.spec.flinkConfiguration = { ...manifest.spec.flinkConfiguration, ...config };
  return specOf(manifest);
}

const oldSecret = 'AKIA-old-secret-value-1234';
const newSecret = 'AKIA-new-secret-value-5678';
const deployed = withConfig({ 's3.secret-key': oldSecret, 's3.access-key': 'AKIAOLDACCESS', 'pipeline.name': 'old' });
const rotated = withConfig({ 's3.secret-key': newSecret, 's3.access-key': 'AKIANEWACCESS', 'pipeline.name': 'new' });

test.each([
  's3.secret-key',
  's3.access-key',
  'fs.azure.account.key.myaccount.dfs.core.windows.net',
  'security.ssl.rest.keystore-password',
  'metrics.reporter.dghttp.apikey',
  'kafka.sasl.jaas.config',
  'gs.auth.service-account.credential',
  'custom.token',
])('%s is sensitive', (key) => {
  expect(isSensitiveKey(key)).toBe(true);
});

test.each(['pipeline.name', 'execution.checkpointing.interval', 'state.backend.type', 'parallelism.default'])(
  '%s is not sensitive',
  (key) => {
    expect(isSensitiveKey(key)).toBe(false);
  },
);

test('a rotated secret is an upgrade, shown as <redacted> → <redacted>; other values show', () => {
  const change = diffSpecs(deployed, rotated);
  expect(change.class).toBe('upgrade');
  expect(change.changes).toEqual(
    expect.arrayContaining([
      { field: 'flinkConfiguration["s3.secret-key"]', from: REDACTED, to: REDACTED, effect: 'upgrade' },
      { field: 'flinkConfiguration["s3.access-key"]', from: REDACTED, to: REDACTED, effect: 'upgrade' },
      { field: 'flinkConfiguration["pipeline.name"]', from: 'old', to: 'new', effect: 'upgrade' },
    ]),
  );
});

test('plan (text and JSON), the static summary and details never carry a secret value', () => {
  const change = diffSpecs(deployed, rotated);
  const plan = planJson(rotated, change);
  const printed = [planText(plan), JSON.stringify(plan), applySummary(rotated, change), applyDetails(rotated, change)];
  for (const text of printed) {
    for (const secret of [oldSecret, newSecret, 'AKIAOLDACCESS', 'AKIANEWACCESS']) expect(text).not.toContain(secret);
  }
  expect(planText(plan)).toContain(`flinkConfiguration["s3.secret-key"]: "${REDACTED}" → "${REDACTED}"`);
  expect(applyDetails(rotated, change)).toContain(`\`flinkConfiguration["s3.secret-key"]\`: ${REDACTED} → ${REDACTED}`);
});

test('a secret added or removed shows as set or unset, never its value', () => {
  const without = withConfig({});
  const added = diffSpecs(without, withConfig({ 's3.secret-key': newSecret }));
  expect(added.changes).toContainEqual({
    field: 'flinkConfiguration["s3.secret-key"]',
    from: undefined,
    to: REDACTED,
    effect: 'upgrade',
  });
  const removed = diffSpecs(withConfig({ 's3.secret-key': oldSecret }), without);
  expect(removed.changes).toContainEqual({
    field: 'flinkConfiguration["s3.secret-key"]',
    from: REDACTED,
    to: undefined,
    effect: 'upgrade',
  });
});
