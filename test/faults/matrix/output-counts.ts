/** What the counter job wrote before an operation began, read from its output files (no stack needed). */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { OutputMark } from '../../../scripts/lib/counter-app';

/** Per key, the highest count of `dir` written before `mark` (all of it without a mark). */
export function lastCounts(dir: string, mark?: OutputMark): Map<number, number> {
  // Only the bytes before the mark: the job still writes while this reads, so "all lines minus the
  // lines after the mark" read twice would drop the last old counts of a key written in between.
  const out = new Map<number, number>();
  if (!existsSync(dir)) return out;
  for (const file of readdirSync(dir).filter((f) => f.startsWith('counts-'))) {
    const bytes = readFileSync(path.join(dir, file));
    const text = bytes.subarray(0, mark ? (mark.get(file) ?? 0) : bytes.length).toString('utf8');
    for (const line of text.split('\n').slice(0, -1)) {
      const [k, c] = line.trim().split(/\s+/).map(Number);
      if (k === undefined || c === undefined || Number.isNaN(k) || Number.isNaN(c)) continue;
      out.set(k, Math.max(out.get(k) ?? 0, c));
    }
  }
  return out;
}
