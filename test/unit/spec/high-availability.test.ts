/**
 * Issue 10 §2: JobManager HA is on by default for stateful applications; turning it off takes a
 * field that says the risk.
 */
import { diffSpecs, jobManagerHa, parseAppSpec, type SpecIssue } from '../../../src/spec';
import { baseManifest, specOf, yamlOf, type LooseManifest } from './manifest-fixtures';

function issuesOf(mutate: (m: LooseManifest) => void): SpecIssue[] {
  const manifest = baseManifest();
  mutate(manifest);
  const parsed = parseAppSpec(yamlOf(manifest));
  return parsed.ok ? [] : parsed.issues;
}

function specWith(mutate: (m: LooseManifest) => void) {
  const manifest = baseManifest();
  mutate(manifest);
  return specOf(manifest);
}

describe('jobManagerHa', () => {
  it('is Kubernetes HA by default for savepoint and last-state, none for stateless', () => {
    expect(jobManagerHa(specWith(() => undefined))).toEqual({ kind: 'kubernetes', byDefault: true });
    expect(jobManagerHa(specWith((m) => (m.spec.job.upgradeMode = 'last-state')))).toEqual({
      kind: 'kubernetes',
      byDefault: true,
    });
    expect(jobManagerHa(specWith((m) => (m.spec.job.upgradeMode = 'stateless')))).toEqual({
      kind: 'none',
      reason: 'stateless',
    });
  });

  it('is off only with spec.flinkDeploy.unsafeDisableJobManagerHA: true', () => {
    const optedOut = specWith((m) => (m.spec.flinkDeploy = { unsafeDisableJobManagerHA: true }));
    expect(optedOut.unsafeDisableJobManagerHA).toBe(true);
    expect(jobManagerHa(optedOut)).toEqual({ kind: 'none', reason: 'opted-out' });
    const explicitFalse = specWith((m) => (m.spec.flinkDeploy = { unsafeDisableJobManagerHA: false }));
    expect('unsafeDisableJobManagerHA' in explicitFalse).toBe(false);
    expect(jobManagerHa(explicitFalse)).toEqual({ kind: 'kubernetes', byDefault: true });
  });

  it('takes an HA type the manifest sets', () => {
    const zk = specWith((m) => (m.spec.flinkConfiguration['high-availability.type'] = 'zookeeper'));
    expect(jobManagerHa(zk)).toEqual({ kind: 'other', type: 'zookeeper' });
    const k8s = specWith((m) => (m.spec.flinkConfiguration['high-availability'] = 'kubernetes'));
    expect(jobManagerHa(k8s)).toEqual({ kind: 'kubernetes', byDefault: false });
  });
});

describe('HA refusals', () => {
  it(
    'refuses high-availability.type NONE for a stateful application without the opt-out, naming the risk and ' +
      'the field',
    () => {
      const issues = issuesOf((m) => (m.spec.flinkConfiguration['high-availability.type'] = 'NONE'));
      expect(issues).toEqual([
        expect.objectContaining({
          code: 'invalid-value',
          path: 'spec.flinkConfiguration["high-availability.type"]',
          message: expect.stringContaining('processing everything since then twice'),
          hint: expect.stringContaining('spec.flinkDeploy.unsafeDisableJobManagerHA: true'),
        }),
      ]);
      expect(
        issuesOf((m) => {
          m.spec.flinkConfiguration['high-availability.type'] = 'NONE';
          m.spec.flinkDeploy = { unsafeDisableJobManagerHA: true };
        }),
      ).toEqual([]);
      expect(
        issuesOf((m) => {
          m.spec.flinkConfiguration['high-availability.type'] = 'NONE';
          m.spec.job.upgradeMode = 'stateless';
        }),
      ).toEqual([]);
    },
  );

  it('refuses the opt-out together with an HA type', () => {
    const issues = issuesOf((m) => {
      m.spec.flinkConfiguration['high-availability.type'] = 'kubernetes';
      m.spec.flinkDeploy = { unsafeDisableJobManagerHA: true };
    });
    expect(issues).toEqual([
      expect.objectContaining({ path: 'spec.flinkDeploy.unsafeDisableJobManagerHA', hint: 'Remove one of them.' }),
    ]);
  });

  it('refuses cluster ids (ours, one per generation) and another namespace for the HA ConfigMaps', () => {
    for (const key of ['kubernetes.cluster-id', 'high-availability.cluster-id']) {
      const issues = issuesOf((m) => (m.spec.flinkConfiguration[key] = 'orders'));
      expect(issues).toEqual([
        expect.objectContaining({
          code: 'owned-key',
          path: `spec.flinkConfiguration["${key}"]`,
          hint: expect.stringContaining('one cluster id per deploy generation'),
        }),
      ]);
    }
    expect(issuesOf((m) => (m.spec.flinkConfiguration['kubernetes.namespace'] = 'other'))).toEqual([
      expect.objectContaining({ code: 'owned-key', path: 'spec.flinkConfiguration["kubernetes.namespace"]' }),
    ]);
    expect(issuesOf((m) => (m.spec.flinkConfiguration['kubernetes.namespace'] = 'streaming'))).toEqual([]);
  });

  it('refuses Kubernetes HA with nowhere to keep its metadata', () => {
    const issues = issuesOf((m) => {
      m.spec.job.upgradeMode = 'stateless';
      m.spec.flinkConfiguration = { 'high-availability.type': 'kubernetes' };
    });
    expect(issues).toEqual([
      expect.objectContaining({ code: 'required', path: 'spec.flinkConfiguration["high-availability.storageDir"]' }),
    ]);
  });

  it('refuses unknown fields next to the opt-out', () => {
    const issues = issuesOf((m) => (m.spec.flinkDeploy = { disableJobManagerHA: true }));
    expect(issues).toEqual([expect.objectContaining({ code: 'unknown-field' })]);
  });
});

describe('diff', () => {
  it('an opt-out change is an upgrade (the pods change)', () => {
    const on = specWith(() => undefined);
    const off = specWith((m) => (m.spec.flinkDeploy = { unsafeDisableJobManagerHA: true }));
    expect(diffSpecs(on, off).class).toBe('upgrade');
    expect(diffSpecs(off, on).class).toBe('upgrade');
    expect(
      diffSpecs(
        on,
        specWith(() => undefined),
      ).class,
    ).toBe('none');
  });
});
