/**
 * The launch checks (ValidateOptions.launchChecks): manifests the checks before took, which Flink or the
 * container launch then fails on, after an upgrade had stopped the old job. Each verdict was measured with
 * Flink's own classes (docs/spec.md, "Refused because Flink or the container launch would fail"); with
 * `launchChecks: false` (a workflow's replay of a run started before them) each is taken as before.
 */
import { parse } from 'yaml';
import { validateManifest, type SpecIssue } from '../../../src/spec';
import { parseMemoryMiB } from '../../../src/spec/quantities';
import { effectiveFlinkConfiguration } from '../../../src/k8s/render/flink-config-file';
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

describe('jar URIs Flink cannot fetch', () => {
  const jarIssue = (jarURI: string) => refused((m) => (m.spec.job.jarURI = jarURI));

  it('refuses a character java.net.URI refuses, saying what to write', () => {
    expect(jarIssue('local:///opt/flink/usr lib/app.jar')).toEqual([
      {
        code: 'invalid-value',
        path: 'spec.job.jarURI',
        message:
          '"local:///opt/flink/usr lib/app.jar" is not a URI Flink can parse: it holds a space ' +
          '(URISyntaxException: Illegal character)',
        hint: 'Percent-encode it (Flink decodes it again): local:///opt/flink/usr%20lib/app.jar.',
      },
    ]);
    expect(jarIssue('local:///opt/flink/usrlib/app[1].jar')[0]?.hint).toContain('usrlib/app%5B1%5D.jar');
  });

  it.each(['LOCAL:///opt/flink/usrlib/app.jar', 'FILE:///opt/app.jar', 'Https://repo.example/app.jar'])(
    'refuses the scheme of %s in upper case',
    (jarURI) => {
      const scheme = jarURI.slice(0, jarURI.indexOf(':'));
      expect(jarIssue(jarURI)).toEqual([
        expect.objectContaining({
          path: 'spec.job.jarURI',
          message:
            `"${jarURI}" has the scheme "${scheme}": Flink looks file systems up by the scheme as written and has ` +
            `none for "${scheme}"`,
          hint: `Write the scheme in lower case: ${scheme.toLowerCase()}${jarURI.slice(scheme.length)}.`,
        }),
      ]);
    },
  );

  it('refuses a comma: Flink splits --jars at commas', () => {
    expect(jarIssue('local:///opt/jobs/a,b.jar')).toEqual([
      expect.objectContaining({
        message:
          '"local:///opt/jobs/a,b.jar" holds a comma: Flink splits the jars it is given (--jars) at commas and ' +
          'would look for two jars',
        hint: 'Percent-encode the comma (Flink decodes it again): local:///opt/jobs/a%2Cb.jar.',
      }),
    ]);
  });

  it('takes what Flink reads: an escape, a query, non-ASCII letters', () => {
    for (const jarURI of ['local:///opt/flink/usr%20lib/app.jar', 'https://repo/app.jar?v=[1]', 'local:///opt/ä.jar'])
      expect(accepted((m) => (m.spec.job.jarURI = jarURI)).job.jarURI).toBe(jarURI);
  });

  it('blue-green refuses LOCAL:// once, as the jar URI it is (and as before without the launch checks)', () => {
    const blueGreen = (m: LooseManifest) => {
      m.spec.job.jarURI = 'LOCAL:///opt/flink/usrlib/app.jar';
      m.spec.flinkDeploy = { upgrade: { strategy: 'blue-green' } };
    };
    const before = validateManifest(manifestWith(blueGreen), { launchChecks: false });
    expect(!before.ok && before.issues.map((i) => i.message)).toEqual([
      expect.stringContaining(
        'upgrade strategy blue-green submits the job to each new cluster from a jar in the image',
      ),
    ]);
    const now = validateManifest(manifestWith(blueGreen));
    expect(!now.ok && now.issues.map((i) => i.message)).toEqual([expect.stringContaining('has the scheme "LOCAL"')]);
  });
});

describe('state locations Flink cannot open', () => {
  /** The base manifest's state directories, on S3 in 2.x names, with `key` (any version's name) set to `value`. */
  const withDirectory = (key: string, value: string) => (m: LooseManifest) => {
    const config = m.spec.flinkConfiguration;
    delete config.state;
    if (key !== 'state.savepoints.dir') config['execution.checkpointing.savepoint-dir'] = 's3://bucket/savepoints';
    if (key !== 'state.checkpoints.dir') config['execution.checkpointing.dir'] = 's3://bucket/checkpoints';
    config[key] = value;
  };

  it.each([
    ['execution.checkpointing.dir', 'file://flink-data/checkpoints', 'file:///flink-data/checkpoints'],
    ['state.savepoints.dir', 'file://flink-data/savepoints', 'file:///flink-data/savepoints'],
    ['high-availability.storageDir', 'file://localhost/flink-data/ha', 'file:///flink-data/ha'],
  ])('refuses %s: %s (an authority where a path was meant)', (key, value, meant) => {
    const issues = refused(withDirectory(key, value));
    const host = value.slice('file://'.length).split('/')[0];
    expect(issues).toEqual([
      {
        code: 'invalid-value',
        path: `spec.flinkConfiguration["${key}"]`,
        message:
          `"${value}" names a host (${host}): Flink reads a file:// URI with an authority as a mistake and refuses ` +
          `it ("Found local file path with authority '${host}' … Did you forget a slash?")`,
        hint: `Write ${meant} (three slashes: a path on the pod's file system).`,
      },
    ]);
  });

  it.each([
    ['execution.checkpointing.savepoint-dir', 'FILE:///flink-data/savepoints'],
    ['execution.checkpointing.dir', 'S3://bucket/checkpoints'],
  ])('refuses %s with its scheme in upper case: %s', (key, value) => {
    const issues = refused(withDirectory(key, value));
    expect(issues).toEqual([
      expect.objectContaining({
        path: `spec.flinkConfiguration["${key}"]`,
        message: expect.stringContaining('Flink looks file systems up by the scheme as written'),
      }),
    ]);
  });

  it('refuses a checkpoint or savepoint directory without a scheme, or the root', () => {
    expect(refused(withDirectory('execution.checkpointing.dir', '/flink-data/cp'))).toEqual([
      expect.objectContaining({
        path: 'spec.flinkConfiguration["execution.checkpointing.dir"]',
        message:
          '"/flink-data/cp" has no scheme: Flink\'s checkpoint storage refuses a directory without one ("The ' +
          'scheme (hdfs://, file://, etc) is null")',
        hint: "Write file:///flink-data/cp (a path on the pods' file system) or the URI of your storage.",
      }),
    ]);
    expect(refused(withDirectory('execution.checkpointing.savepoint-dir', 's3://bucket'))).toEqual([
      expect.objectContaining({ message: expect.stringContaining('"s3://bucket" is the root directory') }),
    ]);
  });

  it('refuses a relative HA storage directory: gone with the JobManager pod', () => {
    expect(refused((m) => (m.spec.flinkConfiguration['high-availability.storageDir'] = 'ha'))).toEqual([
      expect.objectContaining({
        path: 'spec.flinkConfiguration["high-availability.storageDir"]',
        message: expect.stringContaining('"ha" is a relative path: Flink resolves it against the JobManager'),
      }),
    ]);
  });

  it('takes the authorities object stores have, and an absolute HA path', () => {
    for (const dir of [
      's3://bucket/flink/cp',
      's3a://bucket/cp',
      'gs://bucket/cp',
      'abfss://container@account.dfs.core.windows.net/flink/cp',
      'hdfs://namenode:8020/flink/cp',
      'file:///flink-data/cp',
    ])
      accepted(withDirectory('execution.checkpointing.dir', dir));
    accepted((m) => (m.spec.flinkConfiguration['high-availability.storageDir'] = '/flink-data/ha'));
  });

  it('refuses a restore path with a host or an upper-case scheme', () => {
    expect(refused((m) => (m.spec.job.initialSavepointPath = 'file://flink-data/sp-1'))).toEqual([
      expect.objectContaining({
        path: 'spec.job.initialSavepointPath',
        message: expect.stringContaining('names a host'),
      }),
    ]);
    expect(refused((m) => (m.spec.job.initialSavepointPath = 'S3://bucket/sp-1'))).toEqual([
      expect.objectContaining({ path: 'spec.job.initialSavepointPath', message: expect.stringContaining('"S3"') }),
    ]);
  });

  it("refuses a session job's too (its restore path and directories Flink opens)", () => {
    const sessionJob = {
      apiVersion: 'flink.apache.org/v1beta1',
      kind: 'FlinkSessionJob',
      metadata: { name: 'orders' },
      spec: {
        deploymentName: 'shared',
        flinkConfiguration: { 'execution.checkpointing.dir': 'file://flink-data/cp' },
        job: { jarURI: 'https://repo.example/orders.jar', initialSavepointPath: 'file://flink-data/sp-1' },
      },
    };
    expect(validateManifest(sessionJob, { launchChecks: false }).ok).toBe(true);
    const result = validateManifest(sessionJob);
    expect(!result.ok && result.issues.map((i) => i.path)).toEqual([
      'spec.job.initialSavepointPath',
      'spec.flinkConfiguration["execution.checkpointing.dir"]',
    ]);
  });
});

describe('credentials in URIs', () => {
  it.each([
    ['jarURI', 'https://user:pw@repo.example/app.jar', 'https://user:***@repo.example/app.jar', 'jar URI'],
    ['initialSavepointPath', 's3://u:p@bucket/sp-1', 's3://u:***@bucket/sp-1', 'savepoint path'],
  ])('refuses them in %s, the password never shown', (field, value, shown, what) => {
    const issues = refused((m) => (m.spec.job[field] = value));
    expect(issues).toEqual([
      expect.objectContaining({
        path: `spec.job.${field}`,
        message:
          `"${shown}" carries credentials (user:password@) in the URI: the ${what} is kept in the deployed-state ` +
          "record, the Temporal history and the JobManager's arguments",
      }),
    ]);
    expect(JSON.stringify(issues)).not.toContain(':p@');
    expect(JSON.stringify(issues)).not.toContain(':pw@');
  });

  it('takes an Azure container@account', () => {
    accepted((m) => (m.spec.job.initialSavepointPath = 'abfss://sp@account.dfs.core.windows.net/flink/sp-1'));
  });
});

describe('memory Flink cannot hold', () => {
  it.each([
    [
      'spec.taskManager.resource.memory',
      (m: LooseManifest) => (m.spec.taskManager = { resource: { memory: '999999999999Ti' } }),
    ],
    [
      'spec.jobManager.resources.limits.memory',
      (m: LooseManifest) => (m.spec.jobManager = { resources: { limits: { memory: '10000000T' } } }),
    ],
    [
      'spec.flinkConfiguration["taskmanager.memory.process.size"]',
      (m: LooseManifest) => {
        delete m.spec.taskManager;
        m.spec.flinkConfiguration['taskmanager.memory.process.size'] = '8796093022208m';
      },
    ],
  ])('refuses %s over 2^63 - 1 bytes', (path, mutate) => {
    expect(refused(mutate)).toEqual([
      expect.objectContaining({
        path,
        message: expect.stringContaining(
          'is more memory than Flink can hold: at most 8796093022207m (2^63 − 1 bytes, a 64-bit count)',
        ),
      }),
    ]);
  });

  it('takes the most Flink holds, and renders it exactly', () => {
    const spec = accepted((m) => (m.spec.taskManager = { resource: { memory: '8796093022207m' } }));
    expect(spec.taskManager.resources.memoryMiB).toBe(8796093022207);
    expect(effectiveFlinkConfiguration(spec, 1)['taskmanager.memory.process.size']).toBe('8796093022207m');
  });

  it('reads memory exactly, not in floating point', () => {
    // 8796093022206.99999999 is 8796093022207.0 as a double: a whole MiB too many.
    expect(parseMemoryMiB('8796093022206.99999999m')).toBe(8796093022206);
    expect(parseMemoryMiB('9223372036854775807')).toBe(8796093022207);
  });
});

describe('memory given as a bare number', () => {
  it('too small for Flink, says it wants a unit (it is read as bytes)', () => {
    const manifest = manifestWith((m) => (m.spec.taskManager = { resource: { memory: 2048 } }));
    const result = validateManifest(manifest);
    expect(!result.ok && result.issues).toEqual([
      {
        code: 'invalid-value',
        path: 'spec.taskManager.resource.memory',
        message:
          'memory must be a string with a unit (e.g. "2048m"): the bare number 2048 is read as 2048 bytes, 0m, ' +
          'below the 982m a TaskManager needs',
        hint: 'Write spec.taskManager.resource.memory: "2048m" (quoted, with its unit) if 2048 MiB was meant.',
      },
    ]);
  });

  it('under 1 MiB, refused even when finer memory options leave the rest to Flink', () => {
    const issues = refused((m) => {
      m.spec.taskManager = { resource: { memory: 2048 } };
      m.spec.flinkConfiguration['taskmanager.memory.managed.size'] = '64m';
    });
    expect(issues.map((i) => i.message)).toEqual([expect.stringContaining('memory must be a string with a unit')]);
  });

  it('of bytes enough for Flink is taken, as Kubernetes reads it', () => {
    expect(
      accepted((m) => (m.spec.taskManager = { resource: { memory: 2147483648 } })).taskManager.resources,
    ).toMatchObject({ memoryMiB: 2048 });
  });
});

describe('what the processes start with, over Linux MAX_ARG_STRLEN (128 KiB)', () => {
  const long = 'a'.repeat(150_000);
  it.each([
    ['spec.job.jarURI', 'the jar URI (--jars)', (m: LooseManifest) => (m.spec.job.jarURI = `local:///opt/${long}.jar`)],
    ['spec.job.entryClass', 'the entry class (--job-classname)', (m: LooseManifest) => (m.spec.job.entryClass = long)],
    [
      'spec.job.initialSavepointPath',
      'the restore path (--fromSavepoint)',
      (m: LooseManifest) => (m.spec.job.initialSavepointPath = `s3://bucket/${long}`),
    ],
  ])('refuses %s, as the job args', (path, what, mutate) => {
    expect(refused(mutate)).toEqual([
      {
        code: 'limit-exceeded',
        path,
        message: expect.stringMatching(
          new RegExp(
            `^${what.replace(/[()]/g, '\\$&')} is 14[0-9.]+ KiB; Linux refuses a command-line argument over 128 KiB ` +
              '\\(MAX_ARG_STRLEN\\), so the JobManager could not start$',
          ),
        ),
        hint: 'No URI, class name or savepoint path is this long: check the value.',
      },
    ]);
  });

  // Just over the bound: a pod template is kept in the spec once as written and once merged into each role's.
  const justOver = 'a'.repeat(131_100);

  it("refuses a pod template's environment string (NAME=value)", () => {
    const issues = refused((m) => {
      m.spec.jobManager.podTemplate = {
        spec: {
          containers: [
            {
              name: 'flink-main-container',
              env: [
                { name: 'SMALL', value: 'x' },
                { name: 'BIG', value: justOver },
              ],
            },
          ],
        },
      };
    });
    expect(issues).toEqual([
      {
        code: 'limit-exceeded',
        path: 'spec.jobManager.podTemplate.spec.containers[0].env[1].value',
        message:
          'the environment variable BIG is 128.0 KiB; Linux refuses a command-line argument over 128 KiB ' +
          '(MAX_ARG_STRLEN), so the container could not start',
        hint: 'Mount large values as a file (a ConfigMap or Secret volume) and give the process its path.',
      },
    ]);
  });

  it("refuses a pod template's container argument", () => {
    const issues = refused((m) => {
      m.spec.podTemplate = { spec: { initContainers: [{ name: 'fetch', image: 'busybox', args: ['-c', justOver] }] } };
    });
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'spec.podTemplate.spec.initContainers[0].args[1]',
        message: expect.stringContaining('this args entry is 128.0 KiB'),
      }),
    ]);
  });
});

describe('labels and annotations Kubernetes refuses', () => {
  /** The base manifest with `metadata.<field>` as YAML text gives it (keys such as `__proto__` own keys). */
  const withMetadata = (field: 'labels' | 'annotations', yaml: string) => (m: LooseManifest) => {
    m.metadata[field] = parse(yaml);
  };

  it('a label named __proto__ is an ordinary key: its mapping value is refused, not dropped', () => {
    expect(refused(withMetadata('labels', '__proto__: {x: y}\nteam: orders\n'))).toEqual([
      {
        code: 'invalid-type',
        path: 'metadata.labels.__proto__',
        message: 'must be a string, not a mapping',
        hint: 'Give metadata.labels.__proto__ as a string (quote it).',
      },
    ]);
  });

  it('refuses a label key or value Kubernetes refuses on every object', () => {
    const issues = refused(withMetadata('labels', '__proto__: x\nteam: has spaces\n'));
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'metadata.labels.__proto__',
        message: '"__proto__: x" is not a label Kubernetes takes: every object of the application carries it',
      }),
      expect.objectContaining({ path: 'metadata.labels.team', message: expect.stringContaining('"team: has spaces"') }),
    ]);
    expect(refused(withMetadata('annotations', '"bad key": x\n'))).toEqual([
      expect.objectContaining({ path: 'metadata.annotations["bad key"]' }),
    ]);
  });

  it('takes what Kubernetes takes, and keeps it', () => {
    const spec = accepted(withMetadata('labels', 'app.kubernetes.io/part-of: shop\nempty: ""\n'));
    expect(spec.labels).toEqual({ 'app.kubernetes.io/part-of': 'shop', empty: '' });
    accepted(withMetadata('annotations', 'example.com/note: "any text: even this"\n'));
  });
});
