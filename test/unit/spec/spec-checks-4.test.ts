/**
 * The checks added fourth (ValidateOptions.specChecks4): a FlinkSessionJob's stability timeout not longer than its
 * window (either, when absent, its default) refused, as a FlinkDeployment's always was: the stability wait gives up
 * before the window can end. Each session job refused here the checks before took; with `specChecks4: false` (a
 * workflow's replay of a run started before them) it is taken as before. A FlinkDeployment's are judged as before.
 */
import { parse } from 'yaml';
import { SpecIssueCode, specDefaults, validateManifest, type SpecIssue } from '../../../src/spec';
import { parseManifestFile } from '../../../src/spec/manifest-file';
import { stabilityOrderIssues } from '../../../src/spec/stability-limits';
import { baseManifest, yamlOf, type LooseManifest } from './manifest-fixtures';

/** A FlinkSessionJob on cluster `shared`, with `stability` (when given) as its spec.flinkDeploy.stability. */
const sessionJob = (stability?: object): LooseManifest => ({
  apiVersion: 'flink.apache.org/v1beta1',
  kind: 'FlinkSessionJob',
  metadata: { name: 'orders' },
  spec: {
    deploymentName: 'shared',
    job: { jarURI: 'https://repo.example/orders.jar' },
    ...(stability ? { flinkDeploy: { stability } } : {}),
  },
});

/** The base FlinkDeployment with `stability` as its spec.flinkDeploy.stability, as the CLI reads it. */
const deployment = (stability: object): unknown => {
  const manifest = baseManifest();
  manifest.spec.flinkDeploy = { stability };
  return parse(yamlOf(manifest));
};

/** The issue of a timeout not longer than the window. */
const orderIssue = (timeoutSeconds: number, windowSeconds: number): SpecIssue => ({
  code: SpecIssueCode.InvalidValue,
  path: 'spec.flinkDeploy.stability.timeoutSeconds',
  message: `timeoutSeconds (${timeoutSeconds}) must be longer than windowSeconds (${windowSeconds})`,
  hint: 'Raise timeoutSeconds or lower windowSeconds.',
});

/** The issues of the session job; and that the checks before took it. */
function refused(manifest: unknown): SpecIssue[] {
  const before = validateManifest(manifest, { specChecks4: false });
  if (!before.ok) throw new Error(`the checks before refused it too: ${JSON.stringify(before.issues)}`);
  const result = validateManifest(manifest);
  if (result.ok) throw new Error('expected the manifest to be refused');
  return result.issues;
}

describe("a session job's stability timeout not longer than its window", () => {
  it('refuses a timeout shorter than the window (window 600, timeout 300)', () => {
    expect(refused(sessionJob({ windowSeconds: 600, timeoutSeconds: 300 }))).toEqual([orderIssue(300, 600)]);
  });

  it('refuses a timeout equal to the window', () => {
    expect(refused(sessionJob({ windowSeconds: 120, timeoutSeconds: 120 }))).toEqual([orderIssue(120, 120)]);
  });

  it('refuses a window alone not shorter than the default timeout', () => {
    const timeout = specDefaults.defaultStabilityTimeoutSeconds;
    expect(refused(sessionJob({ windowSeconds: timeout }))).toEqual([orderIssue(timeout, timeout)]);
    expect(refused(sessionJob({ windowSeconds: 600 }))).toEqual([orderIssue(timeout, 600)]);
  });

  it('refuses a timeout alone not longer than the default window', () => {
    const window = specDefaults.defaultStabilityWindowSeconds;
    expect(refused(sessionJob({ timeoutSeconds: window }))).toEqual([orderIssue(window, window)]);
  });

  it('takes a timeout longer than the window, and the defaults', () => {
    const result = validateManifest(sessionJob({ windowSeconds: 600, timeoutSeconds: 601 }));
    expect(result.ok && result.spec.stability).toEqual(
      expect.objectContaining({ windowSeconds: 600, timeoutSeconds: 601 }),
    );
    expect(validateManifest(sessionJob()).ok).toBe(true);
    expect(validateManifest(sessionJob({ windowSeconds: 60 })).ok).toBe(true);
  });

  it('is refused by the file `validate` and `apply` read (exit 2)', () => {
    const result = parseManifestFile(yamlOf(sessionJob({ windowSeconds: 600, timeoutSeconds: 300 })));
    expect(result).toEqual({ ok: false, issues: [orderIssue(300, 600)] });
  });
});

describe("a FlinkDeployment's, as before", () => {
  it.each([
    [{ windowSeconds: 600, timeoutSeconds: 300 }, 300, 600],
    [{ windowSeconds: 120, timeoutSeconds: 120 }, 120, 120],
    [{ windowSeconds: 600 }, 300, 600],
  ])('refuses %j, with the checks fourth or without', (stability, timeout, window) => {
    for (const options of [{}, { specChecks4: false }]) {
      expect(validateManifest(deployment(stability), options)).toEqual({
        ok: false,
        issues: [orderIssue(timeout, window)],
      });
    }
  });

  it('takes a timeout longer than the window', () => {
    expect(validateManifest(deployment({ windowSeconds: 600, timeoutSeconds: 601 })).ok).toBe(true);
  });
});

describe('stabilityOrderIssues', () => {
  it('judges absent values as their defaults, at the path given', () => {
    expect(stabilityOrderIssues(undefined)).toEqual([]);
    expect(stabilityOrderIssues({ windowSeconds: 10, timeoutSeconds: 11 })).toEqual([]);
    expect(stabilityOrderIssues({ windowSeconds: 11, timeoutSeconds: 11 }, 'stability')).toEqual([
      { ...orderIssue(11, 11), path: 'stability.timeoutSeconds' },
    ]);
  });
});
