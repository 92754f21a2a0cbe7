/** Issue 11 item 16: hostile or odd input is an issue with a plain message, never an exception. */
import { parseAppSpec, type SpecIssue } from '../../../src/spec';
import { baseManifest, yamlOf } from './manifest-fixtures';

function issuesOf(text: string): SpecIssue[] {
  const result = parseAppSpec(text);
  if (result.ok) throw new Error('expected the manifest to be refused');
  return result.issues;
}

const billionLaughs = `apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`;

it('an alias bomb is one plain issue, quickly', () => {
  const started = Date.now();
  const issues = issuesOf(billionLaughs);
  expect(Date.now() - started).toBeLessThan(2_000);
  expect(issues).toEqual([
    expect.objectContaining({ code: 'too-many-aliases', message: expect.stringMatching(/^too many YAML aliases/) }),
  ]);
  expect(issues[0]?.message).not.toContain('resource exhaustion attack');
});

it('a few aliases, as real manifests use them, are read', () => {
  const text = yamlOf(baseManifest())
    .replace('  jobManager:\n    resource:', '  jobManager: &component\n    resource:')
    .replace(
      '  taskManager:\n    resources:\n      requests:\n        cpu: 500m\n        memory: 1Gi\n',
      '  taskManager: *component\n',
    );
  expect(text).toContain('taskManager: *component');
  const result = parseAppSpec(text);
  expect(result.ok && result.spec.taskManager.resources).toEqual({ cpu: 0.5, memoryMiB: 1024 });
});

it('nesting too deep is one plain issue, in flow and in block style, whatever the depth', () => {
  for (const depth of [101, 1_000, 50_000]) {
    const flow = `apiVersion: v1\nspec: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
    expect(issuesOf(flow)).toEqual([expect.objectContaining({ code: 'too-deep' })]);
  }
  let block = '';
  for (let level = 0; level < 2_000; level++) block += `${' '.repeat(level)}k:\n`;
  expect(issuesOf(block)).toEqual([
    expect.objectContaining({ code: 'too-deep', message: expect.stringContaining('at most 100 levels') }),
  ]);
});

it('a document over 4 MiB is refused before it is parsed, naming the limit and its size', () => {
  const text = `${yamlOf(baseManifest())}# ${'x'.repeat(5 * 1024 * 1024)}\n`;
  const started = Date.now();
  const [issue, ...rest] = issuesOf(text);
  expect(Date.now() - started).toBeLessThan(1_000);
  expect(rest).toEqual([]);
  expect(issue).toMatchObject({
    code: 'too-large',
    message: expect.stringMatching(/^the manifest is 5\.0 MiB; .* at most 4 MiB/),
  });
});

it("a U+FFFD in the text is a character like any other (undecodable bytes are the reader's: manifest-input)", () => {
  const manifest = baseManifest();
  manifest.metadata.annotations = { note: 'copied from a log: \uFFFD' };
  const result = parseAppSpec(`# \uFFFD\n${yamlOf(manifest)}`);
  expect(result.ok && result.spec.annotations.note).toBe('copied from a log: \uFFFD');
});

it('a raw control character is refused; a UTF-8 byte order mark and non-ASCII text are read', () => {
  expect(issuesOf(`${yamlOf(baseManifest())}x: "a\u0001b"\n`)).toEqual([
    expect.objectContaining({ code: 'yaml-syntax', message: expect.stringContaining('control character (U+0001)') }),
  ]);
  const manifest = baseManifest();
  manifest.metadata.annotations = { owner: 'Zoë Ångström — 流処理' };
  const result = parseAppSpec(`\uFEFF${yamlOf(manifest)}`);
  expect(result.ok && result.spec.annotations.owner).toBe('Zoë Ångström — 流処理');
});

it('a JSON manifest is read like YAML', () => {
  const result = parseAppSpec(JSON.stringify(baseManifest(), null, 2));
  expect(result.ok && result.spec.name).toBe('orders');
});

it('several documents: other kinds are refused with the reason, empty documents skipped', () => {
  const text =
    `---\n${yamlOf(baseManifest())}---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: ` +
    `data}\n---\n`;
  expect(issuesOf(text)).toEqual([
    expect.objectContaining({ document: 1, path: 'kind', message: expect.stringContaining('PersistentVolumeClaim') }),
  ]);
});

it('an alias without its anchor is a plain issue, not an exception', () => {
  expect(issuesOf(`${yamlOf(baseManifest())}extra: *missing\n`)).toEqual([
    expect.objectContaining({
      code: 'yaml-syntax',
      message: 'the YAML alias *missing refers to no anchor (&missing) set before it',
    }),
  ]);
});

it('YAML numbers JSON has not (1e400, .inf, .nan) are named as they are, not as "null"', () => {
  const manifest = (parallelism: string) =>
    yamlOf(baseManifest()).replace(/parallelism: \d+/, `parallelism: ${parallelism}`);
  expect(yamlOf(baseManifest())).toMatch(/parallelism: \d+/);
  for (const [value, said] of [
    ['1e400', 'Infinity'],
    ['.inf', 'Infinity'],
    ['-.inf', '-Infinity'],
    ['.nan', 'NaN'],
  ]) {
    const messages = issuesOf(manifest(value!)).map((i) => `${i.path}: ${i.message}`);
    expect({ value, messages }).toEqual({ value, messages: [`spec.job.parallelism: must be a number, not ${said}`] });
  }
});

it("Flink 1.x: a line break, '#' or a key's ': ' is refused (flink-conf.yaml lines); 2.x's YAML takes them", () => {
  const manifestWith = (config: Record<string, unknown>, legacy: boolean) => {
    const manifest = baseManifest();
    if (legacy) Object.assign(manifest.spec, { image: 'flink:1.20', flinkVersion: 'v1_20' });
    Object.assign(manifest.spec.flinkConfiguration as Record<string, unknown>, config);
    return yamlOf(manifest);
  };
  for (const [config, path, problem] of [
    [{ 'pipeline.name': 'orders\nexecution.checkpointing.interval: 1h' }, 'pipeline.name', 'a line break'],
    [{ 'pipeline.name\nhigh-availability.type': 'none' }, 'pipeline.name\\nhigh-availability.type', 'a line break'],
    [{ 'metrics.reporter.x.password': 'ab#cd' }, 'metrics.reporter.x.password', '"#" would start a comment'],
    [{ 'pipeline.name: x': 'y' }, 'pipeline.name: x', '": " in the key'],
  ] as const) {
    expect(issuesOf(manifestWith(config, true))).toEqual([
      expect.objectContaining({
        code: 'invalid-value',
        path: `spec.flinkConfiguration["${path}"]`,
        message: expect.stringContaining(`flink-conf.yaml cannot hold "${path}" as given: ${problem}`),
      }),
    ]);
    expect(parseAppSpec(manifestWith(config, false)).ok).toBe(true);
  }
  expect(parseAppSpec(manifestWith({ 'env.java.opts.all': '-Xss2m\t-Dx=1' }, true)).ok).toBe(true);
});

it('a job argument with a NUL byte is refused, naming the argument: a command line would cut it', () => {
  const manifest = baseManifest();
  manifest.spec.job.args = ['--topic', 'orders\u0000--admin'];
  const issues = issuesOf(yamlOf(manifest));
  expect(issues).toEqual([
    expect.objectContaining({ path: 'spec.job.args[1]', message: expect.stringContaining('holds a NUL byte') }),
  ]);

  const sessionJob = {
    apiVersion: 'flink.apache.org/v1beta1',
    kind: 'FlinkSessionJob',
    metadata: { name: 'orders', namespace: 'streaming' },
    spec: { deploymentName: 'shared', job: { jarURI: 'https://repo.example.com/a.jar', args: ['a\u0000'] } },
  };
  expect(issuesOf(yamlOf(sessionJob))).toEqual([expect.objectContaining({ path: 'spec.job.args[0]' })]);
});
