/** Issue 11 item 15: the limits of Temporal, Kubernetes and Linux are checked by validation. */
import type { SavepointEntry } from '../../../src/contract/savepoints';
import { emptyRecord, type DeployStateRecord, type PastOperationRecord } from '../../../src/k8s';
import { encodeRecord, RECORD_KEY } from '../../../src/k8s/state-record/codec';
import { parseAppSpec, type AppSpec } from '../../../src/spec';
import {
  configMapLimitBytes,
  recordSpecBudgetBytes,
  recordSpecBytes,
  sizeLimitIssues,
  temporalPayloadWarnBytes,
  workflowInputBytes,
} from '../../../src/spec/size-limits';
import { baseManifest, specOf, yamlOf } from './manifest-fixtures';

/** The base spec with `count` job arguments of about 100 bytes (in the spec and in its manifest). */
function specWithArgs(count: number, argument = (i: number) => `--argument-${i}=${'x'.repeat(85)}`): AppSpec {
  const spec = specOf(baseManifest());
  const args = Array.from({ length: count }, (_, i) => argument(i));
  const manifest = structuredClone(spec.manifest) as { spec: { job: { args: string[] } } };
  manifest.spec.job.args = args;
  return { ...spec, job: { ...spec.job, args }, manifest };
}

function dataBytes(record: DeployStateRecord<unknown>): number {
  return Buffer.byteLength(encodeRecord(record).data?.[RECORD_KEY] ?? '', 'utf8');
}

/** The largest spec of this shape that fits the record budget. */
function largestFittingSpec(): AppSpec {
  let low = 0;
  let high = 10_000;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (recordSpecBytes(specWithArgs(middle)) <= recordSpecBudgetBytes) low = middle;
    else high = middle;
  }
  return specWithArgs(low);
}

test("the spec's size in the record is exactly what the record codec writes for it", () => {
  for (const spec of [specOf(baseManifest()), specWithArgs(500, (i) => `--ünïcödé-${i}=€`)]) {
    const base = { ...emptyRecord('streaming', 'orders'), lastAppliedSpec: null, lastStableSpec: null };
    const withSpecs = { ...base, lastAppliedSpec: spec, lastStableSpec: spec };
    expect(dataBytes(withSpecs) - dataBytes(base)).toBe(2 * recordSpecBytes(spec) - 2 * 'null'.length);
  }
});

test('the largest spec that passes still fits the ConfigMap with 100 savepoints and a full history', () => {
  const spec = largestFittingSpec();
  expect(sizeLimitIssues(spec)).toEqual([]);
  const savepoint: SavepointEntry = {
    location: `s3://a-long-bucket-name/flink/savepoints/orders/savepoint-${'a'.repeat(6)}-${'b'.repeat(12)}`,
    time: '2026-12-01T15:00:00.000Z',
    kind: 'periodic',
    triggerId: 'c'.repeat(32),
    jobId: 'd'.repeat(32),
    disposed: false,
    disposalPending: true,
    disposeError: 'e'.repeat(200),
    restoredBy: ['f'.repeat(32)],
  };
  const past: PastOperationRecord = {
    workflowId: 'flink-deploy/streaming/orders/upgrade/2026-12-01T15:00:00.000Z',
    runId: 'g'.repeat(36),
    type: 'upgrade',
    lastPhase: 'WaitingForStable',
    startedAt: '2026-12-01T15:00:00.000Z',
    endedAt: '2026-12-01T15:05:00.000Z',
    outcome: 'rolled-back',
    message: 'h'.repeat(1_000),
  };
  const record: DeployStateRecord<AppSpec> = {
    ...emptyRecord('streaming', 'orders'),
    lastAppliedSpec: spec,
    lastStableSpec: spec,
    savepoints: Array.from({ length: 100 }, () => savepoint),
    history: Array.from({ length: 20 }, () => past),
    failureReason: 'i'.repeat(2_000),
  };
  expect(dataBytes(record)).toBeLessThanOrEqual(configMapLimitBytes);
});

test("a spec that fits the record is below Temporal's payload warning level (so no warning is needed)", () => {
  expect(workflowInputBytes(largestFittingSpec())).toBeLessThan(temporalPayloadWarnBytes);
});

test('a spec over the record budget is refused naming the ConfigMap limit, its size and its largest part', () => {
  const issues = sizeLimitIssues(specWithArgs(5_000));
  expect(issues).toEqual([
    {
      code: 'limit-exceeded',
      path: 'spec',
      message: expect.stringMatching(
        /^the spec takes 1\.\d MiB in the deployed-state record; the record is a Kubernetes ConfigMap \(orders-deploy-state, at most 1 MiB\) .* at most 448 KiB$/,
      ),
      hint: expect.stringMatching(/^The largest part is spec\.job\.args \(\d+\.\d KiB\)\. Keep large data out/),
    },
  ]);
});

test("a spec whose workflow input is over Temporal's 2 MiB is refused naming that limit too", () => {
  const issues = sizeLimitIssues(specWithArgs(12_000));
  expect(issues.map((issue) => issue.message)).toEqual([
    expect.stringContaining('Kubernetes ConfigMap'),
    expect.stringMatching(
      /^the operation's input is 2\.\d MiB; Temporal refuses payloads over 2 MiB \(limit\.blobSize\.error\)$/,
    ),
  ]);
});

test('one job argument over 128 KiB is refused: Linux would not start the JobManager', () => {
  const manifest = baseManifest();
  manifest.spec.job.args = ['--small', `--blob=${'y'.repeat(128 * 1024)}`];
  const result = parseAppSpec(yamlOf(manifest));
  expect(result.ok ? [] : result.issues).toEqual([
    expect.objectContaining({
      code: 'limit-exceeded',
      path: 'spec.job.args[1]',
      message: expect.stringContaining('Linux refuses a command-line argument over 128 KiB (MAX_ARG_STRLEN)'),
    }),
  ]);
  manifest.spec.job.args = [`--blob=${'y'.repeat(100 * 1024)}`];
  expect(parseAppSpec(yamlOf(manifest)).ok).toBe(true);
});

test('validation refuses what does not fit, and passes the largest spec that does', () => {
  const manifest = baseManifest();
  manifest.spec.job.args = specWithArgs(5_000).job.args;
  const refused = parseAppSpec(yamlOf(manifest));
  expect(refused.ok ? [] : refused.issues.map((issue) => issue.code)).toEqual(['limit-exceeded']);
  manifest.spec.job.args = largestFittingSpec().job.args;
  expect(parseAppSpec(yamlOf(manifest)).ok).toBe(true);
});
