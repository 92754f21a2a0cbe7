/**
 * Keys and units named like a JavaScript object's own properties (`constructor`, `toString`, `__proto__`)
 * are ordinary names: Flink ignores an unknown configuration key, so such a key is accepted and kept; as a
 * unit it is no unit at all.
 */
import { diffSpecs, parseAppSpec, validateManifest } from '../../../src/spec';
import { mergePodTemplates } from '../../../src/spec/pod-template';
import { parse } from 'yaml';
import { baseManifest, parsedSessionJob, specOf, yamlOf } from './manifest-fixtures';

/** YAML keys as a user writes them (yaml keeps `__proto__` as an own key, as JSON.parse does). */
const objectNames = parse('constructor: x\ntoString: y\n__proto__: z\nhasOwnProperty: w\n') as Record<string, string>;

describe('flinkConfiguration keys named like object properties', () => {
  it('are accepted and kept as given, not "given twice"', () => {
    const manifest = baseManifest();
    manifest.spec.flinkConfiguration = { ...manifest.spec.flinkConfiguration, ...objectNames };
    const result = validateManifest(parse(yamlOf(manifest)));
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const config = result.spec.flinkConfiguration;
    for (const [key, value] of Object.entries(objectNames)) {
      expect(Object.hasOwn(config, key)).toBe(true);
      expect(config[key]).toBe(value);
    }
  });

  it('of a session job too', () => {
    const result = parsedSessionJob({ config: objectNames });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(Object.hasOwn(result.spec.flinkConfiguration, '__proto__')).toBe(true);
  });

  it('are changes of their own in a diff (none is there before)', () => {
    const before = specOf(baseManifest());
    const manifest = baseManifest();
    manifest.spec.flinkConfiguration.constructor = 'x';
    const changes = diffSpecs(before, specOf(manifest)).changes;
    expect(changes).toEqual([
      expect.objectContaining({ field: 'flinkConfiguration["constructor"]', from: undefined, to: 'x' }),
    ]);
  });
});

describe('units named like object properties', () => {
  const withOption = (key: string, value: string) => {
    const manifest = baseManifest();
    manifest.spec.flinkConfiguration[key] = value;
    return parseAppSpec(yamlOf(manifest));
  };

  it('are no duration unit: refused as Flink refuses them', () => {
    const result = withOption('heartbeat.timeout', '10 constructor');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues).toEqual([
      expect.objectContaining({
        path: 'spec.flinkConfiguration["heartbeat.timeout"]',
        message: expect.stringContaining('heartbeat.timeout is "10 constructor": Flink reads a duration'),
      }),
    ]);
  });

  it('are no memory unit: an issue, not an exception', () => {
    const result = withOption('taskmanager.memory.managed.size', '5constructor');
    expect(!result.ok && result.issues).toEqual([
      expect.objectContaining({
        path: 'spec.flinkConfiguration["taskmanager.memory.managed.size"]',
        message: expect.stringContaining('Flink reads a memory size'),
      }),
    ]);
  });
});

describe('pod templates', () => {
  it('merge a key named __proto__ as an ordinary key', () => {
    const overlay = parse('metadata:\n  annotations:\n    __proto__: x\n') as Record<string, unknown>;
    const merged = mergePodTemplates({ metadata: { annotations: { a: 'b' } } }, overlay) as {
      metadata: { annotations: Record<string, string> };
    };
    expect(Object.entries(merged.metadata.annotations)).toEqual([
      ['a', 'b'],
      ['__proto__', 'x'],
    ]);
  });
});
