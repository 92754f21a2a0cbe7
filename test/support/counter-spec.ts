/**
 * The counter job's manifest (test/fixtures/specs/counter.yaml), the application most tests deploy: its text,
 * and its spec as the CLI would load it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadAppSpec, type AppSpec } from '../../src/spec';

export const counterManifest = readFileSync(path.join(__dirname, '../fixtures/specs/counter.yaml'), 'utf8');

/** A fresh copy of the counter's spec each call (a test may change its own). */
export function counterSpec(): AppSpec {
  return loadAppSpec(counterManifest);
}
