/**
 * The checks added third (ValidateOptions.specChecks3): a FlinkSessionJob's option values Flink reads with the job,
 * the stability window and timeout over 2 hours, credentials in a state directory. Each manifest here the checks
 * before took; with `specChecks3: false` (a workflow's replay of a run started before them) each is taken as before.
 */
import { parse } from 'yaml';
import { validateManifest, type SpecIssue } from '../../../src/spec';
import { flinkOptionTypes } from '../../../src/spec/flink-option-types';
import { optionType } from '../../../src/spec/flink-option-values';
import { jobLevelOptions, jobLevelOptionsVersion } from '../../../src/spec/job-level-options';
import { baseManifest, yamlOf, type LooseManifest } from './manifest-fixtures';

/** The manifest as the CLI reads it (YAML text). */
function manifestWith(mutate: (m: LooseManifest) => void, base = baseManifest()): unknown {
  mutate(base);
  return parse(yamlOf(base));
}

/** The issues of the manifest; and that the checks before took it. */
function refused(manifest: unknown): SpecIssue[] {
  const before = validateManifest(manifest, { specChecks3: false });
  if (!before.ok) throw new Error(`the checks before refused it too: ${JSON.stringify(before.issues)}`);
  const result = validateManifest(manifest);
  if (result.ok) throw new Error('expected the manifest to be refused');
  return result.issues;
}

function accepted(manifest: unknown) {
  const result = validateManifest(manifest);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.spec;
}

/** A FlinkSessionJob on cluster `shared`, with `config` as its flinkConfiguration. */
const sessionJob = (config: Record<string, string> = {}, flinkDeploy?: object): LooseManifest => ({
  apiVersion: 'flink.apache.org/v1beta1',
  kind: 'FlinkSessionJob',
  metadata: { name: 'orders' },
  spec: {
    deploymentName: 'shared',
    flinkConfiguration: config,
    job: { jarURI: 'https://repo.example/orders.jar' },
    ...(flinkDeploy ? { flinkDeploy } : {}),
  },
});

describe("a session job's option values Flink reads with the job", () => {
  it.each([
    ['pipeline.object-reuse', 'yes', 'true or false'],
    ['execution.checkpointing.mode', 'exactly-once', 'one of EXACTLY_ONCE, AT_LEAST_ONCE (any case)'],
    ['jobmanager.scheduler', 'fancy', 'one of Default, Adaptive, AdaptiveBatch (any case)'],
    ['execution.checkpointing.tolerable-failed-checkpoints', 'x', 'a whole number (32-bit)'],
  ])('refuses %s: %s (Flink refuses the jar run)', (key, value, what) => {
    expect(refused(sessionJob({ [key]: value }))).toEqual([
      {
        code: 'invalid-value',
        path: `spec.flinkConfiguration["${key}"]`,
        message: `${key} is ${JSON.stringify(value)}: Flink reads ${what}, and would fail as it reads it`,
        hint: `Set ${key} to ${what}, or remove it.`,
      },
    ]);
  });

  it.each([
    // The cluster's own options: a jar run ignores them (measured on Flink 2.3: the job ran).
    ['taskmanager.memory.managed.size', '1.5g'],
    ['heartbeat.timeout', 'soon'],
    ['slot.request.timeout', 'soon'],
    ['taskmanager.numberOfTaskSlots', 'many'],
    // Keys Flink does not type: the operator's and the autoscaler's.
    ['kubernetes.operator.job.upgrade.last-state-fallback.enabled', 'yes'],
    ['job.autoscaler.enabled', 'yes'],
    // Read as the table's newest version reads them: ISO-8601 durations (Flink 2.1 on), enums in any case.
    ['execution.checkpointing.interval', 'PT10S'],
    ['execution.checkpointing.mode', 'at_least_once'],
  ])('takes %s: %s', (key, value) => {
    accepted(sessionJob({ [key]: value }));
  });

  it('names a value once, where a check before names it (the checkpoint interval)', () => {
    expect(validateManifest(sessionJob({ 'execution.checkpointing.interval': 'soon' }))).toEqual({
      ok: false,
      issues: [expect.objectContaining({ path: 'spec.flinkConfiguration["execution.checkpointing.interval"]' })],
    });
  });

  it('the job-level options are options the table types on the version they were read from', () => {
    const [major = 0, minor = 0] = jobLevelOptionsVersion.split('.').map(Number);
    expect(jobLevelOptions.size).toBeGreaterThan(40);
    for (const key of jobLevelOptions) {
      expect(Object.hasOwn(flinkOptionTypes, key)).toBe(true);
      expect(optionType(key, { major, minor })).toBeDefined();
    }
  });
});

describe('the stability window and timeout, at most 2 hours', () => {
  const withStability = (stability: object) => (m: LooseManifest) => (m.spec.flinkDeploy = { stability });

  it('refuses a timeout over 7200 s: the upgrade would wait that long to roll a broken version back', () => {
    expect(refused(manifestWith(withStability({ timeoutSeconds: 1_000_000_000 })))).toEqual([
      {
        code: 'invalid-value',
        path: 'spec.flinkDeploy.stability.timeoutSeconds',
        message:
          'timeoutSeconds is 1000000000: flink-deploy waits at most 7200 s (2 hours) for a new version to be ' +
          "stable; a longer wait would hold the application's lock, and a broken version's rollback, for as long",
        hint: 'Set timeoutSeconds to 7200 or less.',
      },
    ]);
  });

  it('refuses a window over 7200 s, beside the window not shorter than the timeout', () => {
    expect(
      refused(manifestWith(withStability({ windowSeconds: 10_000, timeoutSeconds: 20_000 }))).map((i) => i.path),
    ).toEqual(['spec.flinkDeploy.stability.timeoutSeconds', 'spec.flinkDeploy.stability.windowSeconds']);
  });

  it('takes 7200 s', () => {
    expect(accepted(manifestWith(withStability({ windowSeconds: 7_199, timeoutSeconds: 7_200 }))).stability).toEqual(
      expect.objectContaining({ windowSeconds: 7_199, timeoutSeconds: 7_200 }),
    );
  });

  it("refuses a session job's too", () => {
    expect(refused(sessionJob({}, { stability: { timeoutSeconds: 86_400 } })).map((i) => i.path)).toEqual([
      'spec.flinkDeploy.stability.timeoutSeconds',
    ]);
  });
});

describe('credentials in a state directory', () => {
  it.each([
    ['execution.checkpointing.dir', 's3://AKIA:secret@bucket/checkpoints', 's3://AKIA:***@bucket/checkpoints'],
    ['state.savepoints.dir', 's3://AKIA:secret@bucket/savepoints', 's3://AKIA:***@bucket/savepoints'],
    ['high-availability.storageDir', 'hdfs://flink:secret@namenode:8020/ha', 'hdfs://flink:***@namenode:8020/ha'],
    ['execution.checkpointing.savepoint-dir', 's3://token@bucket/savepoints', 's3://token@bucket/savepoints'],
  ])('refuses them in %s, the password never shown', (key, value, shown) => {
    // The base manifest's state directories in 2.x names, with `key` (any version's name) set to `value`.
    const issues = refused(
      manifestWith((m) => {
        const config = m.spec.flinkConfiguration;
        delete config.state;
        if (key !== 'state.savepoints.dir') config['execution.checkpointing.savepoint-dir'] = 's3://bucket/savepoints';
        if (key !== 'state.checkpoints.dir') config['execution.checkpointing.dir'] = 's3://bucket/checkpoints';
        config[key] = value;
      }),
    );
    expect(issues).toEqual([
      {
        code: 'invalid-value',
        path: `spec.flinkConfiguration["${key}"]`,
        message:
          `"${shown}" carries credentials (user:password@) in the URI: the state directory is kept in the ` +
          "deployed-state record, the Temporal history and Flink's configuration (an application's ConfigMap, a " +
          "session job's jar run)",
        hint:
          'Remove them: Flink reads object storage with its own file system configuration (docs/object-storage.md), ' +
          'its keys from a Kubernetes Secret as environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), ' +
          'never in a URI.',
      },
    ]);
    expect(JSON.stringify(issues)).not.toContain('secret@');
  });

  it("refuses a session job's", () => {
    expect(refused(sessionJob({ 'execution.checkpointing.dir': 's3://u:p@bucket/cp' })).map((i) => i.path)).toEqual([
      'spec.flinkConfiguration["execution.checkpointing.dir"]',
    ]);
  });

  it('takes an Azure container@account', () => {
    accepted(
      manifestWith((m) => {
        m.spec.flinkConfiguration.state.checkpoints.dir = 'abfss://cp@account.dfs.core.windows.net/flink/cp';
      }),
    );
  });
});
