/**
 * A seeded fuzz test (issue 11 item 16): no input makes parsing throw anything but our spec
 * error. Mutations of a valid manifest's text, token soup, and random values in its fields.
 * The seed is fixed (reproducible); a failure prints the input.
 */
import { InvalidSpecError, SpecIssueCode, loadAppSpec, parseAppSpec } from '../../../src/spec';
import { baseManifest, yamlOf, type LooseManifest } from './manifest-fixtures';

/** mulberry32: a small, seeded pseudo-random generator. */
function generator(seed: number): { next(): number; int(n: number): number; pick<T>(items: readonly T[]): T } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { next, int, pick: (items) => items[int(items.length)] as (typeof items)[number] };
}

const tokens = [
  '&a ',
  '*a',
  '&b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  '[',
  ']',
  '{',
  '}',
  '---\n',
  '...\n',
  ': ',
  '- ',
  '? ',
  '"',
  "'",
  '\t',
  '\n',
  '  ',
  '%YAML 1.1\n',
  '%TAG ! tag:x,2000:\n',
  '<<: *a\n',
  '!!binary aGk=',
  '!!str ',
  '!!int ',
  '!!map ',
  '!!js/function ',
  '!local ',
  '|\n',
  '>-\n',
  '# c\n',
  '~',
  'null',
  '.nan',
  '-.inf',
  '1e999',
  '0x1F',
  '0o17',
  '-0',
  '__proto__: {a: 1}\n',
  'constructor: x\n',
  'toString: 1\n',
  '\u0000',
  '\uFFFD',
  '\uFEFF',
  '\u2028',
  '😀',
  'é',
  '\\',
  '\\u',
  '\r\n',
  ',',
  '@',
  '`',
];

const fields: string[][] = [
  ['metadata'],
  ['metadata', 'name'],
  ['metadata', 'labels'],
  ['spec'],
  ['spec', 'image'],
  ['spec', 'flinkVersion'],
  ['spec', 'flinkConfiguration'],
  ['spec', 'flinkConfiguration', 'execution.checkpointing.interval'],
  ['spec', 'flinkConfiguration', 'execution.state-recovery.claim-mode'],
  ['spec', 'flinkConfiguration', 'state'],
  ['spec', 'jobManager', 'resource', 'memory'],
  ['spec', 'taskManager', 'resources'],
  ['spec', 'taskManager', 'replicas'],
  ['spec', 'podTemplate'],
  ['spec', 'job'],
  ['spec', 'job', 'args'],
  ['spec', 'job', 'parallelism'],
  ['spec', 'job', 'upgradeMode'],
  ['spec', 'flinkDeploy'],
  ['spec', 'flinkDeploy', 'stability', 'timeoutSeconds'],
  ['kind'],
  ['apiVersion'],
];

function randomValue(random: ReturnType<typeof generator>, depth = 0): unknown {
  switch (random.int(depth > 3 ? 6 : 9)) {
    case 0:
      return null;
    case 1:
      return random.pick([0, -1, 1, 2.5, 1e308, Number.MAX_SAFE_INTEGER + 2, -0]);
    case 2:
      return random.pick([
        '',
        ' ',
        'x',
        'CLAIM',
        '10s',
        'PT1S',
        '9'.repeat(40),
        'v2_2',
        '\u0000',
        '😀',
        'a'.repeat(300),
      ]);
    case 3:
      return random.next() < 0.5;
    case 4:
      return random.pick(['last-state', 'savepoint', 'stateless', 'running']);
    case 5:
      return [];
    case 6:
      return Array.from({ length: random.int(4) }, () => randomValue(random, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = random.int(4); i > 0; i--)
        out[random.pick(['a', 'b.c', '__proto__', 'spec', 'name', ''])] = randomValue(random, depth + 1);
      return out;
    }
  }
}

function setPath(target: LooseManifest, path: readonly string[], value: unknown): void {
  let node: Record<string, unknown> = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

function mutateText(random: ReturnType<typeof generator>, text: string): string {
  let out = text;
  for (let i = 1 + random.int(6); i > 0; i--) {
    const at = random.int(out.length + 1);
    const span = random.int(40);
    switch (random.int(5)) {
      case 0:
        out = out.slice(0, at) + out.slice(at + span);
        break;
      case 1:
        out = out.slice(0, at) + out.slice(at, at + span).repeat(1 + random.int(4)) + out.slice(at + span);
        break;
      case 2:
        out = out.slice(0, at) + random.pick(tokens) + out.slice(at);
        break;
      case 3:
        out = out.slice(0, at);
        break;
      default:
        out = out.slice(0, at) + String.fromCharCode(random.int(0x3000)) + out.slice(at + 1);
    }
  }
  return out;
}

const codes = new Set<string>(Object.values(SpecIssueCode));

function check(text: string): void {
  let result: ReturnType<typeof parseAppSpec>;
  try {
    result = parseAppSpec(text);
  } catch (err) {
    throw new Error(`parseAppSpec threw ${String(err)} for input ${JSON.stringify(text.slice(0, 2_000))}`);
  }
  if (!result.ok) {
    expect(result.issues.length).toBeGreaterThan(0);
    for (const issue of result.issues) {
      if (!codes.has(issue.code) || typeof issue.message !== 'string' || issue.message === '')
        throw new Error(`odd issue ${JSON.stringify(issue)} for input ${JSON.stringify(text.slice(0, 2_000))}`);
    }
  }
  try {
    loadAppSpec(text);
  } catch (err) {
    if (!(err instanceof InvalidSpecError))
      throw new Error(`loadAppSpec threw ${String(err)} for ${JSON.stringify(text)}`);
  }
}

const valid = yamlOf(baseManifest());

test('mutations of a valid manifest never make parsing throw', () => {
  const random = generator(20261201);
  for (let i = 0; i < 600; i++) check(mutateText(random, valid));
});

test('token soup never makes parsing throw', () => {
  const random = generator(11);
  for (let i = 0; i < 400; i++) {
    let text = '';
    for (let n = random.int(30); n > 0; n--)
      text += random.pick(tokens) + random.pick(['a', 'spec', 'job', '1', ' ', '\n']);
    check(text);
  }
});

test('random values in any field never make parsing throw, as YAML or as JSON', () => {
  const random = generator(16);
  let refused = 0;
  for (let i = 0; i < 300; i++) {
    const manifest = baseManifest();
    for (let n = 1 + random.int(3); n > 0; n--) setPath(manifest, random.pick(fields), randomValue(random));
    const text = random.next() < 0.5 ? yamlOf(manifest) : JSON.stringify(manifest);
    check(text);
    if (!parseAppSpec(text).ok) refused += 1;
  }
  // The generator does reach the validation (most random values are refused), not only the reader.
  expect(refused).toBeGreaterThan(150);
});
