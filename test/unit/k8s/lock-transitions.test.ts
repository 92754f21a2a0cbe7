import {
  emptyRecord,
  LockHeldError,
  MAX_HISTORY,
  withLockAcquired,
  withLockReleased,
  withPhase,
} from '../../../src/k8s';

const at = new Date('2026-03-01T10:00:00Z');
const later = new Date('2026-03-01T10:05:00Z');
const where = { namespace: 'apps', app: 'orders' };
const base = emptyRecord('apps', 'orders');

test('acquire, re-acquire by the same workflow, refuse another, release into the history', () => {
  const { record: locked, acquisition } = withLockAcquired(
    base,
    { ...where, workflowId: 'wf-1', runId: 'r1', operation: 'upgrade', intent: { generation: 2 } },
    at,
  );
  expect(acquisition).toBe('acquired');
  expect(locked.operation).toEqual({
    workflowId: 'wf-1',
    runId: 'r1',
    type: 'upgrade',
    phase: 'started',
    startedAt: at.toISOString(),
    intent: { generation: 2 },
  });

  const moved = withPhase(locked, { ...where, workflowId: 'wf-1', phase: 'savepointing' });
  const again = withLockAcquired(moved, { ...where, workflowId: 'wf-1', runId: 'r2', operation: 'upgrade' }, later);
  expect(again.acquisition).toBe('reacquired');
  expect(again.record.operation).toEqual({
    workflowId: 'wf-1',
    runId: 'r2',
    type: 'upgrade',
    phase: 'savepointing',
    startedAt: at.toISOString(),
    intent: { generation: 2 },
  });

  expect(() =>
    withLockAcquired(moved, { ...where, workflowId: 'wf-2', runId: 'r', operation: 'savepoint' }, later),
  ).toThrow(LockHeldError);
  expect(() =>
    withLockAcquired(moved, { ...where, workflowId: 'wf-2', runId: 'r', operation: 'savepoint' }, later),
  ).toThrow(/operation in progress on apps\/orders: upgrade by workflow wf-1 \(run r1\), phase savepointing/);

  const released = withLockReleased(
    moved,
    { ...where, workflowId: 'wf-1', outcome: 'succeeded', message: 'generation 2 stable' },
    later,
  );
  expect(released.operation).toBeNull();
  expect(released.history).toEqual([
    {
      workflowId: 'wf-1',
      runId: 'r1',
      type: 'upgrade',
      lastPhase: 'savepointing',
      startedAt: at.toISOString(),
      endedAt: later.toISOString(),
      outcome: 'succeeded',
      message: 'generation 2 stable',
    },
  ]);
  expect(withLockReleased(released, { ...where, workflowId: 'wf-1' }, later)).toBe(released);
});

test('the history is bounded, oldest dropped first', () => {
  let record = base;
  for (let i = 0; i < MAX_HISTORY + 5; i++) {
    record = withLockAcquired(
      record,
      { ...where, workflowId: `wf-${i}`, runId: 'r', operation: 'savepoint' },
      at,
    ).record;
    record = withLockReleased(record, { ...where, workflowId: `wf-${i}` }, later);
  }
  expect(record.history).toHaveLength(MAX_HISTORY);
  expect(record.history[0]?.workflowId).toBe('wf-5');
  expect(record.history.at(-1)?.workflowId).toBe(`wf-${MAX_HISTORY + 4}`);
});

test('withPhase needs the lock', () => {
  expect(() => withPhase(base, { ...where, workflowId: 'wf-1', phase: 'x' })).toThrow(
    expect.objectContaining({ code: 'LOCK_NOT_HELD' }),
  );
});
