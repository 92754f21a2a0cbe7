/**
 * unfinishedOperation (src/workflows/decisions/unfinished.ts): when apply asks Flink before it diffs a stable
 * generation. Only after an operation that did not end its work in a phase entered once the job was stopped and its
 * state recorded; never for an operation that ended, a blue-green application, or a record not running.
 */
import type { DeployedState } from '../../../src/contract/deployed-state';
import { counterSpec } from '../../support/counter-spec';
import { unfinishedOperation } from '../../../src/workflows/decisions/unfinished';

const spec = counterSpec();
const state = (lastOperation: DeployedState['lastOperation'], over: Partial<DeployedState> = {}): DeployedState => ({
  exists: true,
  status: 'running',
  generation: 1,
  jobId: 'j1',
  lastStableJobId: 'j1',
  lastAppliedSpec: spec,
  savepoints: [],
  ...(lastOperation ? { lastOperation } : {}),
  ...over,
});

test.each([
  ['delete', 'abandoned', 'RemovingObjects'],
  ['delete', 'failed', 'RemovingDeployments'],
  ['suspend', 'unlocked', 'RemovingDeployments'],
  ['apply', 'cancelled', 'RemovingDeployments'],
])('%s %s in %s: asks Flink', (type, outcome, phase) => {
  expect(unfinishedOperation(state({ type, outcome, phase }))).toBe(true);
});

test.each([
  ['delete', 'abandoned', 'Savepointing'],
  ['apply', 'abandoned', 'Cancelling'],
  ['apply', 'abandoned', 'ReadingCheckpoint'],
  ['delete', 'succeeded', 'RemovingObjects'],
  ['suspend', 'rolled-back', 'RemovingDeployments'],
])('%s %s in %s: the diff alone', (type, outcome, phase) => {
  expect(unfinishedOperation(state({ type, outcome, phase }))).toBe(false);
});

test('no history, a record not running, no job, a blue-green application: the diff alone', () => {
  const closed = { type: 'delete', outcome: 'abandoned', phase: 'RemovingDeployments' };
  expect(unfinishedOperation(state(undefined))).toBe(false);
  expect(unfinishedOperation(state(closed, { status: 'suspended' }))).toBe(false);
  expect(unfinishedOperation(state(closed, { jobId: undefined }))).toBe(false);
  expect(unfinishedOperation(state(closed, { exists: false }))).toBe(false);
  const blueGreen = { ...spec, upgradeStrategy: 'blue-green' as const };
  expect(unfinishedOperation(state(closed, { lastAppliedSpec: blueGreen }))).toBe(false);
});
