import {
  parseAppSpec,
  parseAppSpecs,
  configKey,
  loadAppSpec,
  InvalidSpecError,
  validateManifest,
  type SpecIssue,
} from '../../../src/spec';
import { baseManifest, specOf, yamlOf, type LooseManifest } from './manifest-fixtures';

function issuesOf(text: string): SpecIssue[] {
  const result = parseAppSpec(text);
  if (result.ok) throw new Error('expected the manifest to be refused');
  return result.issues;
}

function issuesOfManifest(mutate: (m: LooseManifest) => void): SpecIssue[] {
  const manifest = baseManifest();
  mutate(manifest);
  return issuesOf(yamlOf(manifest));
}

describe('reading the text', () => {
  it('refuses an empty file', () => {
    expect(issuesOf('')).toEqual([expect.objectContaining({ code: 'empty', message: 'the manifest is empty' })]);
    expect(issuesOf('# only a comment\n')).toEqual([expect.objectContaining({ code: 'empty' })]);
  });

  it('reports a YAML syntax error with line and column', () => {
    const [issue, ...rest] = issuesOf('apiVersion: flink.apache.org/v1beta1\nspec:\n  job: [\n');
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ code: 'yaml-syntax', line: expect.any(Number), column: expect.any(Number) });
    expect(issue?.message).toMatch(/^YAML syntax error at line \d+, column \d+/);
  });

  it('refuses a list instead of a mapping', () => {
    expect(issuesOf('- a\n- b\n')).toEqual([
      expect.objectContaining({ code: 'not-a-mapping', message: expect.stringContaining('a list') }),
    ]);
  });

  it('refuses two FlinkDeployments in one file where one is taken (plan); apply takes them as a rollout', () => {
    const text = `${yamlOf(baseManifest())}---\n${yamlOf(baseManifest())}`;
    expect(issuesOf(text).map((i) => i.message)).toContain(
      'the file holds 2 applications, session clusters or session jobs; this command takes one',
    );
    const many = parseAppSpecs(text);
    expect(many.ok && many.specs.map((s) => s.name)).toEqual(['orders', 'orders']);
  });
});

describe('validation', () => {
  it('names an unknown field and suggests the right one', () => {
    const issues = issuesOfManifest((m) => {
      m.spec.job.paralelism = 2;
    });
    expect(issues).toEqual([
      {
        code: 'unknown-field',
        path: 'spec.job.paralelism',
        message: 'unknown field "paralelism" (did you mean parallelism?)',
        hint: 'Rename it to parallelism.',
      },
    ]);
  });

  it('lists the known fields when nothing is close', () => {
    const [issue] = issuesOfManifest((m) => {
      m.spec.zzz = 1;
    });
    expect(issue).toMatchObject({ path: 'spec.zzz', message: 'unknown field "zzz"' });
    expect(issue?.hint).toContain('flinkConfiguration');
  });

  it('reports every problem at once, each with a path and a hint', () => {
    const issues = issuesOfManifest((m) => {
      m.metadata.name = 'Orders_App';
      m.spec.image = 'Not An Image!';
      m.spec.job.jarURI = 'local:///opt/flink/usrlib/orders.zip';
      m.spec.job.entryClass = 'com.example.1Orders';
      m.spec.job.parallelism = 0;
      m.spec.job.upgradeMode = 'savepoints';
      m.spec.jobManager.resource.memory = 'lots';
      m.spec.taskManager.replicas = 0;
      m.spec.imagePullPolicy = 'always';
      m.spec.flinkVersion = 'v2.2';
      m.spec.flinkConfiguration['$internal.pipeline.job-id'] = 'abc';
    });
    expect(issues.map((i) => i.path).sort()).toEqual([
      'metadata.name',
      'spec.flinkConfiguration["$internal.pipeline.job-id"]',
      'spec.flinkVersion',
      'spec.image',
      'spec.imagePullPolicy',
      'spec.job.entryClass',
      'spec.job.jarURI',
      'spec.job.parallelism',
      'spec.job.upgradeMode',
      'spec.jobManager.resource.memory',
      'spec.taskManager.replicas',
    ]);
    for (const issue of issues) expect(issue.hint).toBeTruthy();
    expect(issues.find((i) => i.path === 'spec.job.upgradeMode')?.hint).toBe('Did you mean savepoint?');
    expect(issues.find((i) => i.path === 'spec.job.jarURI')?.message).toContain('does not name a .jar file');
  });

  it('requires the fields without defaults', () => {
    const issues = issuesOfManifest((m) => {
      delete m.spec.image;
      delete m.spec.job.jarURI;
      delete m.metadata.name;
    });
    expect(issues.map((i) => [i.code, i.path])).toEqual(
      expect.arrayContaining([
        ['required', 'spec.image'],
        ['required', 'spec.job.jarURI'],
        ['required', 'metadata.name'],
      ]),
    );
  });

  it.each([
    ['ftp://host/job.jar', 'jar URI scheme "ftp" is not supported'],
    ['local://opt/job.jar', 'a local:// jar URI needs an absolute path (three slashes)'],
    ['/opt/job.jar', 'is not a URI with a scheme'],
  ])('refuses jar URI %s', (jarURI, message) => {
    const [issue] = issuesOfManifest((m) => {
      m.spec.job.jarURI = jarURI;
    });
    expect(issue?.message).toContain(message);
  });

  it.each(['https://repo.example.com/a/job-1.0.jar', 's3://bucket/jobs/job.jar', 'file:///tmp/job.jar'])(
    'accepts jar URI %s',
    (jarURI) => {
      const manifest = baseManifest();
      manifest.spec.job.jarURI = jarURI;
      expect(specOf(manifest).job.jarURI).toBe(jarURI);
    },
  );

  it('limits the application name so Service names and suffixes fit, saying it is too long', () => {
    const issues = issuesOfManifest((m) => {
      m.metadata.name = `a${'b'.repeat(45)}`;
    });
    expect(issues).toEqual([
      {
        path: 'metadata.name',
        code: 'invalid-value',
        message:
          `"a${'b'.repeat(45)}" is 46 characters: an application name is at most 45 (it prefixes Service and pod ` +
          'names, which Kubernetes limits to 63)',
        hint: 'Shorten it to 45 characters or fewer.',
      },
    ]);
    const [invalid] = issuesOfManifest((m) => {
      m.metadata.name = 'Orders';
    });
    expect(invalid?.message).toBe('"Orders" is not a valid application name');
  });

  it('says a number over several bounds once, with the bound of the field', () => {
    const issues = issuesOfManifest((m) => {
      m.spec.job.parallelism = 1e20;
      m.spec.taskManager.replicas = 1e20;
    });
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'spec.taskManager.replicas',
        message: 'must be at most 2147483647 (it is 100000000000000000000)',
      }),
      expect.objectContaining({
        path: 'spec.job.parallelism',
        message: 'must be at most 32768 (it is 100000000000000000000)',
      }),
    ]);
  });

  it('refuses the Flink keys flink-deploy owns, with a hint to the right field', () => {
    const issues = issuesOfManifest((m) => {
      m.spec.flinkConfiguration['execution.savepoint.path'] = 's3://x/sp';
      m.spec.flinkConfiguration['execution.state-recovery.path'] = 's3://x/sp';
      m.spec.flinkConfiguration['execution.shutdown-on-application-finish'] = true;
    });
    expect(issues.map((i) => i.path)).toEqual([
      'spec.flinkConfiguration["execution.savepoint.path"]',
      'spec.flinkConfiguration["execution.state-recovery.path"]',
      'spec.flinkConfiguration["execution.shutdown-on-application-finish"]',
    ]);
    expect(issues[0]?.hint).toContain('initialSavepointPath');
    expect(issues.every((i) => i.code === 'owned-key')).toBe(true);
  });

  it('needs a savepoint directory for upgradeMode savepoint and last-state', () => {
    for (const upgradeMode of ['savepoint', 'last-state']) {
      const issues = issuesOfManifest((m) => {
        m.spec.job.upgradeMode = upgradeMode;
        delete m.spec.flinkConfiguration.state.savepoints;
      });
      expect(issues).toEqual([
        expect.objectContaining({
          code: 'required',
          path: 'spec.flinkConfiguration["execution.checkpointing.savepoint-dir"]',
        }),
      ]);
    }
  });

  it('needs a checkpoint directory for last-state', () => {
    const issues = issuesOfManifest((m) => {
      m.spec.job.upgradeMode = 'last-state';
      delete m.spec.flinkConfiguration.state.checkpoints;
    });
    expect(issues.map((i) => i.path)).toEqual(['spec.flinkConfiguration["execution.checkpointing.dir"]']);
  });

  it('sets a checkpoint interval for last-state when the manifest has none, and says so', () => {
    const manifest = baseManifest();
    manifest.spec.job.upgradeMode = 'last-state';
    delete manifest.spec.flinkConfiguration['execution.checkpointing.interval'];
    const result = validateManifest(manifest);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.spec.flinkConfiguration['execution.checkpointing.interval']).toBe('1min');
    expect(result.notes).toEqual([
      expect.objectContaining({
        path: 'spec.flinkConfiguration["execution.checkpointing.interval"]',
        message: expect.stringContaining('flink-deploy sets execution.checkpointing.interval: 1min'),
      }),
    ]);
  });

  it('refuses relative savepoint paths', () => {
    const issues = issuesOfManifest((m) => {
      m.spec.job.initialSavepointPath = 'savepoints/sp-1';
      m.spec.flinkConfiguration.state.savepoints.dir = 'relative/dir';
    });
    expect(issues.map((i) => i.path).sort()).toEqual([
      'spec.flinkConfiguration["state.savepoints.dir"]',
      'spec.job.initialSavepointPath',
    ]);
  });

  it('refuses the same key given flat and nested with different values', () => {
    const [issue] = issuesOfManifest((m) => {
      m.spec.flinkConfiguration['state.savepoints.dir'] = 's3://other';
    });
    expect(issue?.message).toBe('"state.savepoints.dir" is given twice (flat and nested) with different values');
  });

  it('refuses Flink versions before 1.18, not native mode', () => {
    const issues = issuesOfManifest((m) => {
      m.spec.flinkVersion = 'v1_17';
      m.spec.image = 'flink:1.17';
      m.spec.mode = 'native';
    });
    expect(issues.map((i) => i.message)).toEqual(['Flink v1_17 is not supported']);
  });

  it('runs mode: native as standalone and says so; the spec is the standalone one', () => {
    const manifest = baseManifest();
    const standalone = validateManifest(manifest);
    manifest.spec.mode = 'native';
    const result = validateManifest(manifest);
    if (!result.ok || !standalone.ok) throw new Error('expected both valid');
    expect(result.notes).toEqual([
      { path: 'spec.mode', message: expect.stringMatching(/^mode: native runs as standalone: /) },
    ]);
    const { manifest: _a, ...nativeSpec } = result.spec;
    const { manifest: _b, ...standaloneSpec } = standalone.spec;
    expect(nativeSpec).toEqual(standaloneSpec);
  });

  it('refuses a stability rule that needs checkpoints when checkpointing is off', () => {
    const issues = issuesOfManifest((m) => {
      m.spec.job.upgradeMode = 'stateless';
      delete m.spec.flinkConfiguration['execution.checkpointing.interval'];
      m.spec.flinkDeploy = { stability: { requireCheckpoint: true } };
    });
    expect(issues).toEqual([expect.objectContaining({ path: 'spec.flinkDeploy.stability.requireCheckpoint' })]);
  });

  it('loadAppSpec throws InvalidSpecError with every issue', () => {
    expect.assertions(3);
    try {
      loadAppSpec('- a\n');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidSpecError);
      expect((error as InvalidSpecError).code).toBe('InvalidSpec');
      expect((error as InvalidSpecError).issues).toHaveLength(1);
    }
  });
});

describe('normalisation', () => {
  it('fills defaults and flattens the configuration', () => {
    const spec = specOf(baseManifest());
    expect(spec).toMatchObject({
      name: 'orders',
      namespace: 'streaming',
      imagePullPolicy: 'IfNotPresent',
      flinkVersion: { major: 2, minor: 2 },
      slotsPerTaskManager: 2,
      flinkConfiguration: {
        'execution.checkpointing.dir': 's3://bucket/checkpoints',
        'execution.checkpointing.interval': '10s',
        'execution.checkpointing.savepoint-dir': 's3://bucket/savepoints',
      },
      jobManager: { replicas: 1, resources: { cpu: 0.5, memoryMiB: 1024 } },
      taskManager: { replicas: 2, resources: { cpu: 0.5, memoryMiB: 1024 } },
      job: {
        parallelism: 3,
        upgradeMode: 'savepoint',
        state: 'running',
        allowNonRestoredState: false,
        args: ['--topic', 'orders'],
      },
      stability: { windowSeconds: 30, requireCheckpoint: true, timeoutSeconds: 300 },
      savepointFallback: { allowCheckpoint: false, maxCheckpointAgeSeconds: 600 },
    });
    expect(Object.keys(spec.flinkConfiguration)).toEqual([...Object.keys(spec.flinkConfiguration)].sort());
  });

  it('uses the 1.x key names for Flink 1.x', () => {
    const manifest = baseManifest();
    manifest.spec.flinkVersion = 'v1_19';
    manifest.spec.image = 'flink:1.19';
    manifest.spec.flinkConfiguration = {
      'execution.checkpointing.interval': '10s',
      'execution.checkpointing.savepoint-dir': 's3://b/sp',
      'execution.checkpointing.dir': 's3://b/cp',
    };
    const spec = specOf(manifest);
    expect(spec.flinkConfiguration).toEqual({
      'execution.checkpointing.interval': '10s',
      'state.checkpoints.dir': 's3://b/cp',
      'state.savepoints.dir': 's3://b/sp',
    });
  });

  it('keeps explicit TaskManager replicas, memory sizes in Flink and Kubernetes units', () => {
    const manifest = baseManifest();
    manifest.spec.taskManager = { replicas: 4, resource: { cpu: 2, memory: '2g' } };
    manifest.spec.jobManager = { resources: { requests: { memory: '1536Mi', cpu: '250m' }, limits: { cpu: 1 } } };
    const spec = specOf(manifest);
    expect(spec.taskManager).toEqual({ replicas: 4, resources: { cpu: 2, memoryMiB: 2048 } });
    expect(spec.jobManager.resources).toEqual({ cpu: 0.25, memoryMiB: 1536, cpuLimit: 1 });
  });

  it('merges the common pod template with the role template', () => {
    const manifest = baseManifest();
    manifest.spec.podTemplate = {
      spec: {
        containers: [{ name: 'flink-main-container', env: [{ name: 'A', value: '1' }] }],
        volumes: [{ name: 'v', emptyDir: {} }],
      },
    };
    manifest.spec.jobManager.podTemplate = {
      spec: { containers: [{ name: 'flink-main-container', env: [{ name: 'B', value: '2' }] }] },
    };
    const spec = specOf(manifest);
    expect(spec.jobManager.podTemplate).toEqual({
      spec: {
        containers: [
          {
            name: 'flink-main-container',
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
          },
        ],
        volumes: [{ name: 'v', emptyDir: {} }],
      },
    });
    expect(spec.taskManager.podTemplate).toEqual(manifest.spec.podTemplate);
  });

  it('refuses an image set on the main container of a pod template', () => {
    const issues = issuesOfManifest((m) => {
      m.spec.podTemplate = { spec: { containers: [{ name: 'flink-main-container', image: 'other:1' }] } };
    });
    expect(issues).toEqual([
      expect.objectContaining({ path: 'spec.podTemplate.spec.containers[0].image', hint: 'Set spec.image instead.' }),
    ]);
  });

  it('is deterministic', () => {
    expect(specOf(baseManifest())).toEqual(specOf(baseManifest()));
    expect(JSON.stringify(specOf(baseManifest()))).toBe(JSON.stringify(specOf(baseManifest())));
  });

  it('configKey gives the names of each Flink major version', () => {
    const v1 = { major: 1, minor: 20 };
    const v2 = { major: 2, minor: 0 };
    expect(
      ['restorePath', 'allowNonRestored', 'claimMode', 'savepointDir', 'checkpointDir'].map((p) =>
        configKey(v1, p as never),
      ),
    ).toEqual([
      'execution.savepoint.path',
      'execution.savepoint.ignore-unclaimed-state',
      'execution.savepoint-restore-mode',
      'state.savepoints.dir',
      'state.checkpoints.dir',
    ]);
    expect(
      ['restorePath', 'allowNonRestored', 'claimMode', 'savepointDir', 'checkpointDir'].map((p) =>
        configKey(v2, p as never),
      ),
    ).toEqual([
      'execution.state-recovery.path',
      'execution.state-recovery.ignore-unclaimed-state',
      'execution.state-recovery.claim-mode',
      'execution.checkpointing.savepoint-dir',
      'execution.checkpointing.dir',
    ]);
  });
});
