/**
 * The matrix's "last count before the operation" reads only the bytes before the mark: the job keeps
 * writing while the invariant reads (a resume/WaitingForStable/kube-stall run read key 3's last old
 * count as 234 while the file held 235 and 236 before the mark, and failed `exact` continuity).
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { markOutput } from '../../../scripts/lib/counter-app';
import { lastCounts } from '../../../test/faults/matrix/output-counts';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'last-counts-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('per key, the highest count written before the mark; lines after it are not "before"', () => {
  writeFileSync(path.join(dir, 'counts-0.txt'), '0 1\n3 233\n3 234\n0 2\n3 235\n3 236\n');
  writeFileSync(path.join(dir, 'counts-1.txt'), '1 7\n');
  const mark = markOutput(dir);
  appendFileSync(path.join(dir, 'counts-0.txt'), '3 237\n3 238\n0 3\n');
  appendFileSync(path.join(dir, 'counts-1.txt'), '1 8\n');

  expect(lastCounts(dir, mark)).toEqual(
    new Map([
      [0, 2],
      [3, 236],
      [1, 7],
    ]),
  );
  expect(lastCounts(dir)).toEqual(
    new Map([
      [0, 3],
      [3, 238],
      [1, 8],
    ]),
  );
});
