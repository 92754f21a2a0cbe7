/** The fault matrix's selection (`npm run faults -- --only …`): what each name selects; unknown names refused. */
import {
  allCells,
  cellId,
  Faults,
  InjectionPoints,
  NotApplicable,
  Operations,
  selectCells,
} from '../../faults/matrix/cells';

test('every operation × each of its injection points × every fault that can reach it is a cell, once', () => {
  const ids = allCells().map(cellId);
  const pairs = Operations.reduce((n, op) => n + InjectionPoints[op].length * Faults.length, 0);
  const notApplicable = NotApplicable.reduce(
    (n, { operation, point }) => n + (point ? 1 : InjectionPoints[operation].length),
    0,
  );
  const expected = pairs - notApplicable;
  expect(ids).not.toContain('periodic-savepoint/Savepointing/cancel');
  expect(ids).not.toContain('periodic-savepoint/Disposing/terminate');
  expect(ids).toContain('upgrade-savepoint/after-stop-trigger/terminate');
  expect(ids).toContain('savepoint/Savepointing/cancel');
  // No Flink call after the phase: Flink's REST faults are no cell there; the other faults are.
  expect(ids).not.toContain('suspend-session-cluster/RemovingDeployments/flink-5xx');
  expect(ids).not.toContain('suspend/RemovingDeployments/flink-stall');
  expect(ids).toContain('suspend/RemovingDeployments/kube-5xx');
  expect(ids).toContain('suspend-session-cluster/RemovingDeployments/jobmanager-sigstop');
  expect(ids).toContain('suspend-session-cluster/Locking/flink-5xx');
  expect(ids).toHaveLength(expected);
  expect(new Set(ids).size).toBe(ids.length);
});

test('--only selects by operation, fault, phase, cell id and wildcard, comma-separated', () => {
  expect(selectCells(undefined)).toHaveLength(allCells().length);
  expect(selectCells('suspend').every((c) => c.operation === 'suspend')).toBe(true);
  // Less Flink's three REST faults at RemovingDeployments: the suspend asks Flink nothing after its savepoint.
  expect(selectCells('suspend')).toHaveLength(InjectionPoints.suspend.length * Faults.length - 3);
  expect(selectCells('kube-409').map((c) => c.fault)).toEqual(selectCells('kube-409').map(() => 'kube-409'));
  expect(selectCells('upgrade-savepoint/Savepointing/worker-sigkill').map(cellId)).toEqual([
    'upgrade-savepoint/Savepointing/worker-sigkill',
  ]);
  expect(selectCells('resume/*/kube-5xx').map(cellId)).toEqual(
    InjectionPoints.resume.map((p) => `resume/${p}/kube-5xx`),
  );
  expect(selectCells('savepoint/Locking/flink-5xx, deploy/Locking/flink-reset').map(cellId)).toEqual([
    'deploy/Locking/flink-reset',
    'savepoint/Locking/flink-5xx',
  ]);
});

test('an unknown name is refused, naming it and what is known', () => {
  expect(() => selectCells('upgrade/Savepointing')).toThrow(/--only: unknown "upgrade"; use operations \(deploy, /);
  expect(() => selectCells('worker-sigkil')).toThrow(/unknown "worker-sigkil"/);
});
