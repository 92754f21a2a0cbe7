/**
 * A run whose fault did not land proves nothing of its cell (issue 12): periodic-savepoint/Disposing/flink-stall
 * ("0 calls hit"), resume/WaitingForStable/jobmanager-sigstop ("0 processes") and 11 more runs were counted as
 * passes. The results say so (`faultLanded`), and the report shows them apart: neither a pass nor a failure.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { faultLanded, readResults, runVerdict, type RunResult } from '../../faults/matrix/results';

const stallMissed = 'proxy flink {"kind":"stall","ms":20000} for 10000 ms: 0 calls hit';
const sigstopMissed = 'SIGSTOP 5 s of 0 processes of JobManager pods cell-6-36083-jobmanager-6cd5f867b-bdjxk';
const deleteMissed = 'deleted JobManager pods: none (none was there)';

test('a fault that says it touched nothing did not land; any other did', () => {
  expect(faultLanded(stallMissed)).toBe(false);
  expect(faultLanded(sigstopMissed)).toBe(false);
  expect(faultLanded(deleteMissed)).toBe(false);
  expect(faultLanded('proxy kube {"kind":"status","status":409} for 20000 ms: 0 calls hit')).toBe(false);
  expect(faultLanded('proxy flink {"kind":"stall","ms":20000} for 10000 ms: 3 calls hit')).toBe(true);
  expect(faultLanded('proxy kube {"kind":"reset"} for 20000 ms: 10 calls hit')).toBe(true);
  expect(faultLanded('SIGSTOP 5 s of 2 processes of JobManager pods cell-1-jobmanager-x')).toBe(true);
  expect(faultLanded('deleted JobManager pods: cell-2-1309-jobmanager-65dc5d478c-hnt7q')).toBe(true);
  expect(faultLanded('worker SIGKILLed, started again after 2 s')).toBe(true);
  expect(faultLanded('cancel of flink-deploy/ns/cell-3: cancellation requested of run 0f1e')).toBe(true);
  expect(faultLanded('cancel of flink-deploy/ns/cell-3: nothing to cancel (run COMPLETED)')).toBe(false);
  expect(faultLanded('terminate of flink-deploy/ns/cell-4: run 0f1e terminated')).toBe(true);
  expect(faultLanded('terminate of flink-deploy/ns/cell-4: nothing to terminate (run COMPLETED)')).toBe(false);
  expect(faultLanded(undefined)).toBeUndefined();
});

const run = (over: Partial<RunResult>): RunResult => ({
  cell: 'periodic-savepoint/Disposing/flink-stall',
  run: 1,
  startedAt: '2026-12-03T10:00:00.000Z',
  seconds: 90,
  commit: 'abc1234',
  passed: true,
  invariants: [{ name: 'outcome', ok: true, evidence: 'outcome succeeded' }],
  ...over,
});

test('a run is passed only when its invariants held and its fault landed; a failure stays a failure', () => {
  expect(runVerdict(run({ fault: 'proxy flink {"kind":"stall","ms":20000} for 10000 ms: 3 calls hit' }))).toBe(
    'passed',
  );
  // Recorded before `faultLanded` existed: judged from the description.
  expect(runVerdict(run({ fault: stallMissed }))).toBe('not-landed');
  expect(runVerdict(run({ fault: 'anything', faultLanded: false }))).toBe('not-landed');
  expect(runVerdict(run({ fault: stallMissed, passed: false }))).toBe('failed');
  expect(runVerdict(run({ passed: false, error: 'set-up failed' }))).toBe('failed');
});

test('the report counts a run whose fault did not land apart, neither as a pass nor in the runs', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'faults-report-'));
  try {
    const input = path.join(dir, 'results');
    const lane = path.join(dir, 'lane.jsonl');
    const output = path.join(dir, 'reliability.md');
    const landed = 'proxy flink {"kind":"stall","ms":20000} for 10000 ms: 2 calls hit';
    const failed = { name: 'continuity', ok: false, evidence: 'key 0 started over' };
    const runs = [
      run({ fault: landed }),
      run({ run: 2, fault: stallMissed }),
      run({ run: 3, fault: landed, passed: false, invariants: [failed] }),
      run({ cell: 'resume/WaitingForStable/jobmanager-sigstop', fault: sigstopMissed }),
    ];
    writeFileSync(lane, runs.map((r) => JSON.stringify(r)).join('\n') + '\n');
    // Filed twice (a lane's file added again): each run is kept once, in its operation's file.
    for (let i = 0; i < 2; i++) {
      execFileSync(
        process.execPath,
        ['--import', 'tsx', 'scripts/faults-report.ts', '--add', lane, '--results', input, '--out', output],
        { cwd: path.resolve(__dirname, '..', '..', '..'), stdio: 'pipe' },
      );
    }
    expect(readdirSync(input).sort()).toEqual(['periodic-savepoint.jsonl', 'resume.jsonl']);
    expect(readResults(input).map((r) => `${r.cell} ${r.run}`)).toEqual([
      'periodic-savepoint/Disposing/flink-stall 1',
      'periodic-savepoint/Disposing/flink-stall 2',
      'periodic-savepoint/Disposing/flink-stall 3',
      'resume/WaitingForStable/jobmanager-sigstop 1',
    ]);
    const report = readFileSync(output, 'utf8');
    expect(report).toContain('1 of 4 runs passed, 1 failed, 2 did not land their fault.');
    expect(report).toMatch(/\| periodic-savepoint\/Disposing\/flink-stall \| 1 \/ 2 \| 1 \| \*\*continuity\*\*: key 0/);
    expect(report).toMatch(/\| resume\/WaitingForStable\/jobmanager-sigstop \| 0 \/ 0 \| 1 \| {2}\|/);
    expect(report).toMatch(/\| periodic-savepoint \|.* 1\/2 \(\+1 not landed\) \|/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
