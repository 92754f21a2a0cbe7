/**
 * The soak's savepoint audit: a savepoint retention planned for disposal (`disposalPending`) is
 * neither kept nor an orphan, whether Flink already removed its folder or not. Run 2 of the soak
 * reported one "kept but missing": a pending disposal whose folder Flink had removed before the
 * record said so (a disposal in flight, or one whose worker was killed before its record write).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SavepointEntry } from '../../../src/contract/savepoints';
import { auditSavepoints } from '../../../scripts/soak/end-checks';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'soak-audit-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const entry = (name: string, extra: Partial<SavepointEntry> = {}): SavepointEntry => ({
  location: `file://${dir}/${name}`,
  kind: 'periodic',
  time: '2026-12-01T20:00:00Z',
  triggerId: name,
  jobId: 'j',
  disposed: false,
  ...extra,
});

test('kept, disposed, pending with and without its folder, and a real orphan and a real loss', () => {
  for (const d of ['savepoint-kept', 'savepoint-pending-still-there', 'savepoint-orphan']) mkdirSync(path.join(dir, d));

  const audit = auditSavepoints(dir, [
    entry('savepoint-kept'),
    entry('savepoint-lost'),
    entry('savepoint-gone', { disposed: true }),
    entry('savepoint-pending-still-there', { disposalPending: true }),
    entry('savepoint-pending-already-removed', { disposalPending: true }),
  ]);

  expect(audit).toMatchObject({
    onDisk: 3,
    kept: 2,
    orphans: [path.join(dir, 'savepoint-orphan')],
    missing: [path.join(dir, 'savepoint-lost')],
    disposing: [path.join(dir, 'savepoint-pending-still-there'), path.join(dir, 'savepoint-pending-already-removed')],
  });
});
