import { createHash } from 'node:crypto';
import { generateJobId, sha256Hex, specHash } from '../../../src/spec';
import { baseManifest, specOf } from './manifest-fixtures';

describe('hashing', () => {
  it('sha256Hex matches Node crypto', () => {
    for (const text of ['', 'abc', 'x'.repeat(55), 'x'.repeat(56), 'x'.repeat(64), 'höhe ✓'.repeat(40)]) {
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });

  it('generateJobId: 32 hex digits, same seed same id, other seed other id', () => {
    const id = generateJobId('streaming/orders/1');
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(generateJobId('streaming/orders/1')).toBe(id);
    expect(generateJobId('streaming/orders/2')).not.toBe(id);
  });

  it('specHash changes with the spec, not with the manifest text', () => {
    const spec = specOf(baseManifest());
    const other = baseManifest();
    other.spec.job.parallelism = 4;
    expect(specHash(spec)).toMatch(/^[0-9a-f]{16}$/);
    expect(specHash({ ...spec, manifest: {} })).toBe(specHash(spec));
    expect(specHash(specOf(other))).not.toBe(specHash(spec));
  });
});
