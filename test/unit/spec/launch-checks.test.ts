/**
 * The launch checks (ValidateOptions.launchChecks): manifests the checks before took, which Flink or the
 * container launch then fails on, after an upgrade had stopped the old job. Each verdict was measured with
 * Flink's own classes (docs/spec.md, "Refused because Flink or the container launch would fail"); with
 * `launchChecks: false` (a workflow's replay of a run started before them) each is taken as before.
 */
import { parse } from 'yaml';
import { validateManifest, type SpecIssue } from '../../../src/spec';
import { baseManifest, yamlOf, type LooseManifest } from './manifest-fixtures';

/** The manifest as the CLI reads it (YAML text, so keys like `__proto__` stay own keys). */
function manifestWith(mutate: (m: LooseManifest) => void): unknown {
  const manifest = baseManifest();
  mutate(manifest);
  return parse(yamlOf(manifest));
}

/** The issues of the manifest; and that the checks before the launch checks took it. */
function refused(mutate: (m: LooseManifest) => void): SpecIssue[] {
  const manifest = manifestWith(mutate);
  const before = validateManifest(manifest, { launchChecks: false });
  if (!before.ok) throw new Error(`the checks before refused it too: ${JSON.stringify(before.issues)}`);
  const result = validateManifest(manifest);
  if (result.ok) throw new Error('expected the manifest to be refused');
  return result.issues;
}

function accepted(mutate: (m: LooseManifest) => void) {
  const result = validateManifest(manifestWith(mutate));
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.spec;
}

describe('counts Flink reads as 32-bit integers', () => {
  // parallelism.default: a session cluster's jobs run at it, and its TaskManagers are counted from it.
  it.each(['taskmanager.numberOfTaskSlots', 'parallelism.default'])('%s over 2147483647 is refused', (key) => {
    const issues = refused((m) => {
      m.spec.flinkConfiguration[key] = '3000000000';
    });
    expect(issues).toEqual([
      {
        code: 'invalid-value',
        path: `spec.flinkConfiguration["${key}"]`,
        message:
          `${key} is 3000000000: Flink reads it as a 32-bit integer, at most 2147483647, and would fail as it ` +
          'reads it',
        hint: `Set ${key} from 1 to 2147483647.`,
      },
    ]);
  });

  it('2147483647 slots are taken (Flink reads them)', () => {
    expect(accepted((m) => (m.spec.flinkConfiguration['taskmanager.numberOfTaskSlots'] = '2147483647'))).toMatchObject({
      slotsPerTaskManager: 2147483647,
    });
  });
});
