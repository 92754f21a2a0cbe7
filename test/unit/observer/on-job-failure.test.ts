/** Issue 10 §3: spec.flinkDeploy.onJobFailure: alert by default, restart with an hourly limit, refused if useless. */
import { parseAppSpec, type SpecIssue } from '../../../src/spec';
import { baseManifest, specOf, yamlOf, type LooseManifest } from '../spec/manifest-fixtures';

function issuesOf(mutate: (m: LooseManifest) => void): SpecIssue[] {
  const manifest = baseManifest();
  mutate(manifest);
  const parsed = parseAppSpec(yamlOf(manifest));
  return parsed.ok ? [] : parsed.issues;
}

it('is absent from the spec unless the manifest sets it (existing specs and their hashes do not change)', () => {
  expect(specOf(baseManifest()).onJobFailure).toBeUndefined();
});

it('restart takes the default limit of 3 an hour, or the one given', () => {
  const m = baseManifest();
  m.spec.flinkDeploy = { onJobFailure: 'restart' };
  expect(specOf(m).onJobFailure).toEqual({ action: 'restart', maxRestartsPerHour: 3 });
  m.spec.flinkDeploy = { onJobFailure: 'restart', maxFailureRestartsPerHour: 1 };
  expect(specOf(m).onJobFailure).toEqual({ action: 'restart', maxRestartsPerHour: 1 });
});

it('refuses an unknown action, a limit without restart, and restart without checkpoints, naming the field', () => {
  expect(issuesOf((m) => (m.spec.flinkDeploy = { onJobFailure: 'reboot' }))[0]).toMatchObject({
    path: 'spec.flinkDeploy.onJobFailure',
  });
  expect(issuesOf((m) => (m.spec.flinkDeploy = { maxFailureRestartsPerHour: 2 }))).toEqual([
    expect.objectContaining({ path: 'spec.flinkDeploy.maxFailureRestartsPerHour', hint: expect.any(String) }),
  ]);
  const noCheckpoints = issuesOf((m) => {
    m.spec.flinkDeploy = { onJobFailure: 'restart' };
    delete m.spec.flinkConfiguration['execution.checkpointing.interval'];
  });
  expect(noCheckpoints).toContainEqual(
    expect.objectContaining({
      path: 'spec.flinkDeploy.onJobFailure',
      message: expect.stringContaining('checkpointing is off'),
    }),
  );
  const stateless = issuesOf((m) => {
    m.spec.flinkDeploy = { onJobFailure: 'restart' };
    m.spec.job.upgradeMode = 'stateless';
  });
  expect(stateless).toContainEqual(
    expect.objectContaining({ path: 'spec.flinkDeploy.onJobFailure', message: expect.stringContaining('stateless') }),
  );
});
