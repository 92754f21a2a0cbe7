/**
 * unfinishedOperation (src/workflows/decisions/unfinished.ts): when apply asks Flink before it diffs a stable
 * generation. Only after an operation that did not end its work in a phase entered once the job was stopped and its
 * state recorded (`stopped`), or while it stopped the job (`stopping`); never for an operation that ended, a
 * blue-green application, or a record not running.
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
])('%s %s in %s: stopped, asks Flink', (type, outcome, phase) => {
  expect(unfinishedOperation(state({ type, outcome, phase }))).toBe('stopped');
});

test.each([
  ['delete', 'abandoned', 'Savepointing'],
  ['suspend', 'failed', 'Savepointing'],
  ['apply', 'abandoned', 'Cancelling'],
  ['upgrade', 'cancelled', 'ReadingCheckpoint'],
])('%s %s in %s: stopping, asks Flink', (type, outcome, phase) => {
  expect(unfinishedOperation(state({ type, outcome, phase }))).toBe('stopping');
});

test.each([
  ['delete', 'succeeded', 'RemovingObjects'],
  ['suspend', 'rolled-back', 'RemovingDeployments'],
  ['apply', 'succeeded', 'Savepointing'],
  ['upgrade', 'abandoned', 'Deploying'],
  ['apply', 'failed', 'Planning'],
])('%s %s in %s: the diff alone', (type, outcome, phase) => {
  expect(unfinishedOperation(state({ type, outcome, phase }))).toBeUndefined();
});

test('no history, a record not running, no job, a blue-green application: the diff alone', () => {
  const closed = { type: 'delete', outcome: 'abandoned', phase: 'RemovingDeployments' };
  expect(unfinishedOperation(state(undefined))).toBeUndefined();
  expect(unfinishedOperation(state(closed, { status: 'suspended' }))).toBeUndefined();
  expect(unfinishedOperation(state(closed, { jobId: undefined }))).toBeUndefined();
  expect(unfinishedOperation(state(closed, { exists: false }))).toBeUndefined();
  const blueGreen = { ...spec, upgradeStrategy: 'blue-green' as const };
  expect(unfinishedOperation(state(closed, { lastAppliedSpec: blueGreen }))).toBeUndefined();
});
