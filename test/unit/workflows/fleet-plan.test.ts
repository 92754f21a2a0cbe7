/** The pure decisions of a fleet rollout: order, input checks, which applications a halt reverts, the outcome. */
import type { FleetApp, FleetInput } from '../../../src/contract/fleet';
import { loadAppSpec } from '../../../src/spec';
import {
  fleetInputProblems,
  fleetOutcome,
  rolloutOrder,
  sessionAwareOrder,
  shouldRevert,
} from '../../../src/workflows/decisions/fleet-plan';
import { counterManifest } from '../../support/counter-spec';

const manifest = counterManifest;
const app = (name: string, extra: Partial<FleetApp> = {}): FleetApp => ({
  spec: loadAppSpec(manifest.replace('name: counter', `name: ${name}`)),
  operation: 'upgrade',
  unchanged: false,
  ...extra,
});
const input = (extra: Partial<FleetInput> = {}): FleetInput => ({
  rolloutId: 'r1',
  apps: [app('a'), app('b'), app('c')],
  canaries: [],
  approveAfterCanary: false,
  approvalTimeoutSeconds: 60,
  concurrency: 2,
  rollbackOnFailure: false,
  ifBusy: 'wait',
  busyTimeoutSeconds: 60,
  ...extra,
});

test('canaries first in the order named, then the others in input order', () => {
  expect(rolloutOrder(input({ canaries: ['default/c', 'default/a'] }))).toEqual({ canaries: [2, 0], rest: [1] });
  expect(rolloutOrder(input())).toEqual({ canaries: [], rest: [0, 1, 2] });
});

test('session clusters before their jobs: first in each group, a canary job brings its cluster along', () => {
  const asCluster = (a: FleetApp): FleetApp => ({ ...a, spec: { ...a.spec, sessionCluster: true } });
  const onShared = (a: FleetApp): FleetApp => ({ ...a, spec: { ...a.spec, sessionJob: { deploymentName: 'shared' } } });
  const apps = [onShared(app('j1')), app('x'), asCluster(app('shared')), onShared(app('j2'))];
  expect(sessionAwareOrder(input({ apps }))).toEqual({ canaries: [], rest: [2, 0, 1, 3] });
  expect(sessionAwareOrder(input({ apps, canaries: ['default/j2'] }))).toEqual({ canaries: [2, 3], rest: [0, 1] });
  // No session cluster: the order of rolloutOrder.
  expect(sessionAwareOrder(input({ canaries: ['default/c'] }))).toEqual(
    rolloutOrder(input({ canaries: ['default/c'] })),
  );
});

test('input problems: each named; a good input has none', () => {
  expect(fleetInputProblems(input())).toEqual([]);
  expect(
    fleetInputProblems(
      input({
        rolloutId: 'Bad Id',
        concurrency: 0,
        apps: [app('a'), app('a')],
        canaries: ['default/z'],
        ifBusy: 'maybe' as FleetInput['ifBusy'],
      }),
    ),
  ).toEqual([
    '`rolloutId` must be 1-63 lowercase letters, digits, dots and dashes',
    '`concurrency` must be an integer of at least 1',
    '`ifBusy` must be wait or skip',
    'applications listed twice: default/a',
    'canaries not in the rollout: default/z',
  ]);
  expect(fleetInputProblems(input({ approveAfterCanary: true }))).toEqual([
    '`approveAfterCanary` needs at least one canary',
  ]);
});

test('a halt reverts only what this rollout moved and that had a spec before', () => {
  const before = app('a').spec;
  const progress = (state: string) => ({ state }) as Parameters<typeof shouldRevert>[1];
  expect(shouldRevert(app('a', { previousSpec: before }), progress('succeeded'))).toBe(true);
  expect(shouldRevert(app('a'), progress('succeeded'))).toBe(false);
  expect(shouldRevert(app('a', { previousSpec: before }), progress('untouched'))).toBe(false);
  expect(shouldRevert(app('a', { previousSpec: before, unchanged: true }), progress('succeeded'))).toBe(false);
});

test('the outcome: aborted over all, then failed, rolled back, partial, succeeded', () => {
  expect(fleetOutcome(['succeeded', 'failed'], true)).toBe('aborted');
  expect(fleetOutcome(['rolled-back', 'revert-failed'], false)).toBe('failed');
  expect(fleetOutcome(['rolled-back', 'reverted', 'untouched'], false)).toBe('rolled-back');
  expect(fleetOutcome(['succeeded', 'busy'], false)).toBe('partial');
  expect(fleetOutcome(['succeeded', 'unchanged'], false)).toBe('succeeded');
});
