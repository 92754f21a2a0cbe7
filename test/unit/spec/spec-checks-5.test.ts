/**
 * The checks changed fifth (ValidateOptions.specChecks5): a state path in Flink's own form of a local path, `file:/…`
 * (one slash: Flink's REST, its logs and our record show savepoints so), is taken in `spec.job.initialSavepointPath`
 * and in a savepoint or checkpoint directory, as `file:///…` always was. With `specChecks5: false` (a workflow's
 * replay of a run started before them) it is refused, as then. What Flink cannot open stays refused.
 */
import { parse } from 'yaml';
import { parseAppSpecs, validateManifest, type ParseResult, type SpecIssue } from '../../../src/spec';
import { parseManifestFile } from '../../../src/spec/manifest-file';
import { baseManifest, yamlOf, type LooseManifest } from './manifest-fixtures';

const savepoint = 'file:/flink-data/savepoints/savepoint-2a0737-ca360f6a0b00';

/** The base FlinkDeployment with `edit` applied, as the CLI reads it. */
const deployment = (edit: (m: LooseManifest) => void): unknown => {
  const manifest = baseManifest();
  edit(manifest);
  return parse(yamlOf(manifest));
};

/** A FlinkSessionJob on cluster `shared` restoring from `path`. */
const sessionJob = (path: string): unknown => ({
  apiVersion: 'flink.apache.org/v1beta1',
  kind: 'FlinkSessionJob',
  metadata: { name: 'orders' },
  spec: {
    deploymentName: 'shared',
    job: { jarURI: 'https://repo.example/orders.jar', upgradeMode: 'savepoint', initialSavepointPath: path },
  },
});

const issuesOf = (result: ParseResult): SpecIssue[] => (result.ok ? [] : result.issues);

describe('a restore path file:/…', () => {
  it('is taken in a FlinkDeployment, as written; the checks before refused it, naming the field', () => {
    const manifest = deployment((m) => (m.spec.job.initialSavepointPath = savepoint));
    const result = validateManifest(manifest);
    expect(result.ok && result.spec.job.initialSavepointPath).toBe(savepoint);
    expect(issuesOf(validateManifest(manifest, { specChecks5: false }))).toEqual([
      expect.objectContaining({ path: 'spec.job.initialSavepointPath', message: expect.stringContaining(savepoint) }),
    ]);
  });

  it('is taken in a FlinkSessionJob; the checks before refused it', () => {
    const result = validateManifest(sessionJob(savepoint));
    expect(result.ok && result.spec.job.initialSavepointPath).toBe(savepoint);
    expect(issuesOf(validateManifest(sessionJob(savepoint), { specChecks5: false })).map((i) => i.path)).toEqual([
      'spec.job.initialSavepointPath',
    ]);
  });

  it('is taken by the file `validate` and `apply` read', () => {
    const text = yamlOf(deployment((m) => (m.spec.job.initialSavepointPath = savepoint)));
    const result = parseManifestFile(text);
    expect(result.ok).toBe(true);
  });

  it.each([
    ['file:flink-data/sp', 'is not an absolute savepoint path'],
    ['file:/', 'is not an absolute savepoint path'],
    ['file://flink-data/sp', 'Found local file path with authority'],
    ['FILE:/flink-data/sp', 'has the scheme "FILE"'],
  ])('still refuses %s (%s)', (path, message) => {
    const issues = issuesOf(validateManifest(deployment((m) => (m.spec.job.initialSavepointPath = path))));
    expect(issues).toEqual([
      expect.objectContaining({ path: 'spec.job.initialSavepointPath', message: expect.stringContaining(message) }),
    ]);
  });
});

describe('a state directory file:/…', () => {
  it.each([
    ['v1_20', 'state.savepoints.dir', 'state.checkpoints.dir'],
    ['v2_2', 'execution.checkpointing.savepoint-dir', 'execution.checkpointing.dir'],
  ])('is taken as %s %s and %s; the checks before refused both', (flinkVersion, savepointKey, checkpointKey) => {
    const manifest = deployment((m) => {
      m.spec.flinkVersion = flinkVersion;
      m.spec.image = `flink:${flinkVersion.slice(1).replace('_', '.')}`;
      m.spec.flinkConfiguration.state = undefined;
      Object.assign(m.spec.flinkConfiguration, {
        [savepointKey]: 'file:/flink-data/savepoints',
        [checkpointKey]: 'file:/flink-data/checkpoints',
      });
    });
    const result = validateManifest(manifest);
    expect(issuesOf(result)).toEqual([]);
    expect(result.ok && result.spec.flinkConfiguration).toEqual(
      expect.objectContaining({ [savepointKey]: 'file:/flink-data/savepoints' }),
    );
    expect(
      issuesOf(validateManifest(manifest, { specChecks5: false }))
        .map((i) => i.path)
        .sort(),
    ).toEqual([`spec.flinkConfiguration["${checkpointKey}"]`, `spec.flinkConfiguration["${savepointKey}"]`].sort());
  });

  it('still refuses the root directory, file:/ alone', () => {
    const issues = issuesOf(
      validateManifest(deployment((m) => (m.spec.flinkConfiguration.state.checkpoints.dir = 'file:/'))),
    );
    expect(issues.map((i) => i.path)).toEqual(['spec.flinkConfiguration["state.checkpoints.dir"]']);
  });
});

describe('a FlinkStateSnapshot beside the FlinkDeployment that starts from it', () => {
  it('is recognised in any spelling of the same path (file:/x and file:///x): a note, not a refusal', () => {
    const snapshot = {
      apiVersion: 'flink.apache.org/v1beta1',
      kind: 'FlinkStateSnapshot',
      metadata: { name: 'migration' },
      spec: { savepoint: { alreadyExists: true, path: savepoint.replace('file:/', 'file:///') } },
    };
    const app = baseManifest();
    app.spec.job.initialSavepointPath = savepoint;
    const result = parseAppSpecs(`${yamlOf(snapshot)}---\n${yamlOf(app)}`);
    expect(result.ok && result.notes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          message: expect.stringContaining('names the savepoint the application starts from'),
        }),
      ]),
    );
  });
});
