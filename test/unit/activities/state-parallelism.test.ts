/** Which upgrades the pre-flight holds to the state's max parallelism, and what it says (pure part). */
import {
  holdsStateParallelism,
  stateParallelismProblem,
  type LatestState,
} from '../../../src/activities/state-parallelism';
import { type AppSpec } from '../../../src/spec';
import { counterSpec } from '../../support/counter-spec';

const base = counterSpec();
const at = (parallelism: number, patch: (s: AppSpec) => void = () => undefined): AppSpec => {
  const s = structuredClone(base);
  s.job.parallelism = parallelism;
  patch(s);
  return s;
};
const state: LatestState = {
  jobId: 'a'.repeat(32),
  checkpoint: { id: 7, savepoint: false },
  vertices: [
    { name: 'counter', parallelism: 2, maxParallelism: 128 },
    // A vertex at a parallelism of its own (set in the job's code): the job's parallelism does not move it.
    { name: 'single source', parallelism: 1, maxParallelism: 1 },
  ],
};

test('held: a parallelism that goes up and keeps state, under the default scheduler', () => {
  expect(holdsStateParallelism(at(2), at(200))).toBe(true);
  expect(holdsStateParallelism(at(2), at(2))).toBe(false);
  expect(holdsStateParallelism(at(8), at(2))).toBe(false);
  expect(
    holdsStateParallelism(
      at(2),
      at(200, (s) => (s.job.upgradeMode = 'stateless')),
    ),
  ).toBe(false);
  const adaptive = (s: AppSpec) => (s.flinkConfiguration['jobmanager.scheduler'] = 'adaptive');
  expect(holdsStateParallelism(at(2), at(200, adaptive))).toBe(false);
  expect(holdsStateParallelism(at(2, adaptive), at(200))).toBe(false);
});

test('over the max parallelism of a vertex that follows the job: refused, naming it and the most it takes', () => {
  const problem = stateParallelismProblem(at(2), at(200), state);
  expect(problem).toBe(
    `spec.job.parallelism 200 is over the max parallelism the state of job ${'a'.repeat(32)} was written with: ` +
      '"counter" (max parallelism 128), as its latest checkpoint 7 holds it. Flink refuses to restore state at a ' +
      'parallelism above it, and would say so only after the old job stopped. Set spec.job.parallelism to 128 or ' +
      'less, or take the job to a larger max parallelism by rewriting its state (e.g. with the State Processor ' +
      'API), or upgrade with upgradeMode: stateless to start without the state (nothing was changed)',
  );
  expect(stateParallelismProblem(at(2), at(128), state)).toBeUndefined();
  // The vertex at a parallelism of its own (max 1) does not count; no vertex with state: nothing to hold.
  expect(stateParallelismProblem(at(2), at(64), { ...state, vertices: [] })).toBeUndefined();
});

test('pipeline.max-parallelism set to another value than the state was written with: refused; removed: taken', () => {
  const max = (value: string) => (s: AppSpec) => (s.flinkConfiguration['pipeline.max-parallelism'] = value);
  const written: LatestState = { ...state, vertices: [{ name: 'counter', parallelism: 2, maxParallelism: 4 }] };
  expect(holdsStateParallelism(at(2, max('4')), at(2, max('8')))).toBe(true);
  expect(holdsStateParallelism(at(2, max('4')), at(2))).toBe(false);
  expect(holdsStateParallelism(at(2, max('4')), at(2, max('4')))).toBe(false);
  expect(stateParallelismProblem(at(2, max('4')), at(2, max('8')), written)).toBe(
    `pipeline.max-parallelism 8 is not the 4 the state of job ${'a'.repeat(32)} was written with ("counter", as ` +
      'its latest checkpoint 7 holds it). Flink restores state only under the max parallelism it was written ' +
      'with, and would say so only after the old job stopped. Keep pipeline.max-parallelism: 4 (or remove it: ' +
      "Flink then takes the state's), or upgrade with upgradeMode: stateless to start without the state " +
      '(nothing was changed)',
  );
  // A vertex whose max parallelism is not the key's (set in the job's code) does not take the key: not held.
  const own: LatestState = { ...state, vertices: [{ name: 'counter', parallelism: 2, maxParallelism: 128 }] };
  expect(stateParallelismProblem(at(2, max('4')), at(2, max('8')), own)).toBeUndefined();
});
