/**
 * The fault matrix's `one-savepoint-per-trigger` accounting (test/faults/matrix/trigger-ids.ts): every takeSavepoint
 * carries the trigger id recorded last before it (the lock's intent, or a savepoint-retry change), and a trigger a
 * recorded retry replaced is accounted for, not "unrecorded".
 */
import { triggerIdsOf } from '../../faults/matrix/trigger-ids';

const begin = (triggerId: string) => ({ activity: 'beginOperation', input: { intent: { triggerId } } });
const take = (triggerId: string) => ({ activity: 'takeSavepoint', input: { triggerId } });
const retry = (failedTriggerId: string, triggerId: string) => ({
  activity: 'updateRecord',
  input: { changes: [{ kind: 'savepoint-retry', triggerId, failedTriggerId, reason: 'failover' }] },
});
const phase = { activity: 'updateRecord', input: { changes: [{ kind: 'phase', phase: 'Savepointing' }] } };

test('the trigger of the intent, taken once: nothing replaced, nothing unannounced', () => {
  expect(triggerIdsOf([begin('a'), phase, take('a')])).toEqual({ scheduled: ['a'], superseded: [], unannounced: [] });
});

test('a failover retry: the new id recorded before it is sent, the failed one replaced', () => {
  expect(triggerIdsOf([begin('a'), take('a'), retry('a', 'b'), take('b'), retry('b', 'c'), take('c')])).toEqual({
    scheduled: ['a', 'b', 'c'],
    superseded: ['a', 'b'],
    unannounced: [],
  });
});

test('a takeSavepoint whose id was not recorded before it (or a new id sent before its record write) is named', () => {
  expect(triggerIdsOf([begin('a'), take('a'), take('b'), retry('a', 'b')]).unannounced).toEqual(['b']);
  expect(triggerIdsOf([begin('a'), take('x')]).unannounced).toEqual(['x']);
});
