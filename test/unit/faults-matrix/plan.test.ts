/** Which runs a matrix invocation makes (`npm run faults -- --repeat N --resume --lanes N`). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cellId, selectCells } from '../../faults/matrix/cells';
import { countedRuns, parseLane, planRuns, plannedRuns } from '../../faults/matrix/plan';
import type { RunResult } from '../../faults/matrix/results';

const run = (cell: string, n: number, over: Partial<RunResult> = {}): RunResult => ({
  cell,
  run: n,
  startedAt: `2026-12-08T00:00:0${n}.000Z`,
  seconds: 100,
  commit: 'abc1234',
  passed: true,
  fault: 'worker pid 1 SIGKILLed',
  invariants: [],
  ...over,
});

const suspend = selectCells('suspend/Locking');
const ids = suspend.map(cellId) as [string, string, string, string, ...string[]];

test('each cell runs --repeat times, numbered from 1, in the selection order', () => {
  const runs = planRuns(suspend, 3);
  expect(runs).toHaveLength(3 * suspend.length);
  expect(runs.slice(0, 4).map((r) => [r.id, r.n])).toEqual([
    [ids[0], 1],
    [ids[0], 2],
    [ids[0], 3],
    [ids[1], 1],
  ]);
});

test('resuming leaves out the runs already counted and numbers the rest after them', () => {
  const done = new Map([
    [ids[0], 3],
    [ids[1], 1],
    [ids[2], 5],
  ]);
  const runs = planRuns(suspend, 3, { done });
  expect(runs.filter((r) => r.id === ids[0])).toEqual([]);
  expect(runs.filter((r) => r.id === ids[1]).map((r) => r.n)).toEqual([2, 3]);
  expect(runs.filter((r) => r.id === ids[2])).toEqual([]);
  expect(runs.filter((r) => r.id === ids[3]).map((r) => r.n)).toEqual([1, 2, 3]);
  expect(runs).toHaveLength(3 * suspend.length - 3 - 1 - 3);
});

test('lanes share the runs: each run in exactly one lane, the lanes within one run of each other', () => {
  const all = planRuns(suspend, 3);
  const lanes = [1, 2, 3].map((index) => planRuns(suspend, 3, { lane: { index, count: 3 } }));
  const key = (r: { id: string; n: number }) => `${r.id}#${r.n}`;
  expect(lanes.flat().map(key).sort()).toEqual(all.map(key).sort());
  const sizes = lanes.map((l) => l.length);
  expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  // A cell's three runs go to three lanes (three stacks), not one after another on one.
  expect(new Set(lanes.map((l) => l.filter((r) => r.id === ids[0]).length))).toEqual(new Set([1]));
});

test('FD_FAULTS_LANE is k/N with 1 ≤ k ≤ N; anything else is refused, naming the form', () => {
  expect(parseLane(undefined)).toBeUndefined();
  expect(parseLane('')).toBeUndefined();
  expect(parseLane('2/3')).toEqual({ index: 2, count: 3 });
  for (const bad of ['0/3', '4/3', '3', 'a/b', '1/0', '-1/2']) {
    expect(() => parseLane(bad)).toThrow(`FD_FAULTS_LANE: "${bad}" is not k/N with 1 ≤ k ≤ N`);
  }
});

test('counted runs: a run whose fault did not land is none, a failed one counts, one read twice is one', () => {
  const counts = countedRuns([
    run('a/x/f', 1),
    run('a/x/f', 1),
    run('a/x/f', 2, { passed: false }),
    run('a/x/f', 3, { fault: 'flink 503 for 20 s: 0 calls hit' }),
    run('b/y/g', 1),
  ]);
  expect(counts).toEqual(
    new Map([
      ['a/x/f', 2],
      ['b/y/g', 1],
    ]),
  );
});

describe('the runs the environment asks for', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'fd-plan-'));
    mkdirSync(path.join(root, 'docs', 'reliability-results'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('--resume counts the results directory and the unfiled FD_FAULTS_RESULTS file, each run once', () => {
    const filed = run(ids[0], 1);
    writeFileSync(
      path.join(root, 'docs', 'reliability-results', 'suspend.jsonl'),
      [filed, run(ids[0], 2)].map((r) => JSON.stringify(r)).join('\n') + '\n',
    );
    const lane = path.join(root, 'lane.jsonl');
    writeFileSync(lane, [filed, run(ids[1], 1)].map((r) => JSON.stringify(r)).join('\n') + '\n');
    const env = { FD_FAULTS_ONLY: 'suspend/Locking', FD_FAULTS_REPEAT: '3', FD_FAULTS_RESULTS: lane };
    const all = plannedRuns(env, root, true);
    const resumed = plannedRuns({ ...env, FD_FAULTS_RESUME: '1' }, root, true);
    expect(all).toHaveLength(3 * suspend.length);
    expect(resumed.filter((r) => r.id === ids[0]).map((r) => r.n)).toEqual([3]);
    expect(resumed.filter((r) => r.id === ids[1]).map((r) => r.n)).toEqual([2, 3]);
    expect(resumed).toHaveLength(all.length - 2 - 1);
  });

  test('the stack faults only on a stack of the harness’s own; a bad FD_FAULTS_REPEAT is refused', () => {
    const env = { FD_FAULTS_ONLY: 'suspend/Locking', FD_FAULTS_REPEAT: '1' };
    const stackFaults = (own: boolean) => plannedRuns(env, root, own).filter((r) => r.id.endsWith('-restart'));
    expect(stackFaults(true).map((r) => r.id)).toEqual([
      'suspend/Locking/temporal-restart',
      'suspend/Locking/apiserver-restart',
      'suspend/Locking/node-agent-restart',
    ]);
    expect(stackFaults(false)).toEqual([]);
    expect(() => plannedRuns({ ...env, FD_FAULTS_REPEAT: 'x' }, root, true)).toThrow(
      'FD_FAULTS_REPEAT: "x" is not a whole number ≥ 1',
    );
  });
});
