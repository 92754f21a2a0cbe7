/**
 * package-lock.json lists every platform's optional packages (@swc/core-*, @esbuild/*, fsevents…),
 * so `npm ci` (scripts/setup.sh) accepts it on any machine and never rewrites it. npm drops the
 * other platforms' entries when it builds a lock over an installed node_modules: regenerate the
 * lock without node_modules (scripts/setup.sh says how).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface LockEntry {
  optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package-lock.json'), 'utf8')) as {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
};

/** Where npm finds `name` for the package installed at `from`: its own node_modules, then each parent's. */
function resolves(from: string, name: string): boolean {
  for (let dir = from; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
    if (lock.packages[`${dir ? `${dir}/` : ''}node_modules/${name}`]) return true;
    if (!dir) return false;
  }
}

test('every optional dependency of every locked package is in the lock (all platforms)', () => {
  expect(lock.lockfileVersion).toBe(3);
  const missing = Object.entries(lock.packages).flatMap(([at, entry]) =>
    Object.keys(entry.optionalDependencies ?? {})
      .filter((name) => !resolves(at, name))
      .map((name) => `${at || '(root)'} → ${name}`),
  );
  expect(missing).toEqual([]);
});
