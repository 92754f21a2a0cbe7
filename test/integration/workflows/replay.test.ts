/**
 * Determinism: histories recorded from real end-to-end runs on the local stack (deploy; a
 * savepoint upgrade with the worker SIGKILLed mid-savepoint and mid-stability-wait; an upgrade
 * rolled back; an upgrade whose rollback failed too) must replay on today's workflow code.
 * A change that breaks replay needs `patched()` (docs/architecture.md, "Changing workflow code"). Re-record with
 * `node --import tsx scripts/record-history.ts <workflowId> <runId> <name>`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';

const dir = path.join(__dirname, '../../fixtures/histories');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.binpb'))
  .sort();

test('there are recorded histories to replay', () => {
  expect(files).toEqual(
    expect.arrayContaining([
      'apply-deploy.binpb',
      'apply-upgrade-rolled-back.binpb',
      'apply-upgrade-worker-killed-savepointing.binpb',
    ]),
  );
});

test.each(files)('%s replays on the current workflow code', async (file) => {
  const history = temporal.api.history.v1.History.decode(readFileSync(path.join(dir, file)));
  await Worker.runReplayHistory(
    { workflowsPath: require.resolve('../../../src/workflows') },
    history,
    `replay-${file}`,
  );
});
