/** Issue 10 §3: what the observer judges of one application, and what it does about a FAILED job (pure). */
import {
  decideOnFailure,
  judgeHealth,
  nextObserved,
  restartsInLastHour,
  stalledAfterMs,
  type Observation,
} from '../../../src/activities/observe-health';
import { Health, type ObservedHealth } from '../../../src/contract/observed-health';
import type { PastOperationRecord } from '../../../src/k8s/state-record/types';
import type { AppSpec } from '../../../src/spec/types';
import { baseManifest, specOf } from '../spec/manifest-fixtures';

const now = Date.parse('2026-12-01T12:00:00Z');
const spec = specOf(baseManifest()); // checkpoint interval 10s → stalled after 30s
const restartSpec: AppSpec = { ...spec, onJobFailure: { action: 'restart', maxRestartsPerHour: 2 } };
const running: Observation = {
  reachable: true,
  jobState: 'RUNNING',
  startedAt: now - 600_000,
  restarts: 1,
  lastCheckpoint: { id: 7, location: 'file:/cp/chk-7', completedAt: now - 5_000 },
};
const previous = (over: Partial<ObservedHealth> = {}): ObservedHealth => ({
  health: Health.Healthy,
  since: '2026-12-01T11:00:00.000Z',
  observedAt: '2026-12-01T11:59:45.000Z',
  jobId: 'j1',
  restarts: 1,
  message: '',
  ...over,
});
const judge = (observation: Observation, prev?: ObservedHealth) =>
  judgeHealth({ observation, previous: prev, jobId: 'j1', spec, now }).health;
const restart = (startedAt: number): PastOperationRecord => ({
  workflowId: 'flink-deploy/ns/app',
  runId: 'r',
  type: 'restart',
  lastPhase: 'Done',
  startedAt: new Date(startedAt).toISOString(),
  endedAt: new Date(startedAt + 60_000).toISOString(),
  outcome: 'succeeded',
});

describe('judgeHealth', () => {
  it('healthy while RUNNING with a recent checkpoint and no new restart', () => {
    expect(judge(running, previous())).toBe(Health.Healthy);
  });
  it('names each problem: unreachable, FAILED, RESTARTING, a restart since the last sweep, stalled checkpoints', () => {
    expect(judge({ reachable: false, error: 'ECONNREFUSED', restarts: 0 })).toBe(Health.JobManagerUnreachable);
    expect(judge({ ...running, jobState: 'FAILED' })).toBe(Health.Failed);
    expect(judge({ ...running, jobState: 'RESTARTING' })).toBe(Health.Restarting);
    expect(judge({ ...running, jobState: 'NOT_FOUND' })).toBe(Health.Restarting);
    expect(judge({ ...running, restarts: 2 }, previous())).toBe(Health.Restarting);
    expect(judge({ ...running, lastCheckpoint: { ...running.lastCheckpoint!, completedAt: now - 31_000 } })).toBe(
      Health.CheckpointsStalled,
    );
  });
  it('does not count the restarts of another job (a new generation) as new', () => {
    expect(judge({ ...running, restarts: 5 }, previous({ jobId: 'j0', restarts: 0 }))).toBe(Health.Healthy);
  });
  it('without a checkpoint, stalled only once the job has run longer than three intervals (and 30s at least)', () => {
    const fresh = { ...running, lastCheckpoint: undefined, startedAt: now - 20_000 };
    expect(judge(fresh)).toBe(Health.Healthy);
    expect(judge({ ...fresh, startedAt: now - 40_000 })).toBe(Health.CheckpointsStalled);
    expect(stalledAfterMs({ ...spec, flinkConfiguration: {} })).toBeUndefined();
    expect(stalledAfterMs({ ...spec, flinkConfiguration: { 'execution.checkpointing.interval': '1 min' } })).toBe(
      180_000,
    );
  });
});

describe('nextObserved', () => {
  it(
    'keeps `since` while the health stays, restarts it on a change or a new job, and keeps the last ' + 'checkpoint',
    () => {
      const judged = { health: Health.Healthy, message: 'ok' };
      const same = nextObserved({ previous: previous(), jobId: 'j1', judged, observation: running, now });
      expect(same).toMatchObject({ since: '2026-12-01T11:00:00.000Z', observedAt: '2026-12-01T12:00:00.000Z' });
      expect(same.lastCheckpoint).toEqual({
        id: 7,
        location: 'file:/cp/chk-7',
        completedAt: '2026-12-01T11:59:55.000Z',
      });
      const failed = { health: Health.Failed, message: 'FAILED' };
      expect(nextObserved({ previous: previous(), jobId: 'j1', judged: failed, observation: running, now }).since).toBe(
        '2026-12-01T12:00:00.000Z',
      );
      const unreachable = { reachable: false, restarts: 0 };
      const kept = nextObserved({ previous: same, jobId: 'j1', judged: failed, observation: unreachable, now });
      expect(kept).toMatchObject({ restarts: 1, lastCheckpoint: same.lastCheckpoint });
      expect(nextObserved({ previous: same, jobId: 'j2', judged, observation: unreachable, now }).lastCheckpoint).toBe(
        undefined,
      );
    },
  );
});

describe('decideOnFailure', () => {
  const base = { health: Health.Failed, newlyFailed: true, checkpoint: 'file:/cp/chk-7', history: [], now };
  it('alerts by default, once per failure, and does nothing for a job that is not FAILED', () => {
    expect(decideOnFailure({ ...base, spec })).toEqual({ kind: 'alert' });
    expect(decideOnFailure({ ...base, spec, newlyFailed: false })).toEqual({ kind: 'none' });
    expect(decideOnFailure({ ...base, spec: restartSpec, health: Health.Restarting })).toEqual({ kind: 'none' });
  });
  it('restarts a job still FAILED at a later sweep: a restart lost after the failure was recorded is not lost', () => {
    expect(decideOnFailure({ ...base, spec: restartSpec, newlyFailed: false })).toEqual({
      kind: 'restart',
      checkpoint: 'file:/cp/chk-7',
    });
  });
  it('says a refused restart once, when the job newly failed', () => {
    const twoRecent = [restart(now - 10 * 60_000), restart(now - 50 * 60_000)];
    expect(decideOnFailure({ ...base, spec: restartSpec, history: twoRecent, newlyFailed: false })).toEqual({
      kind: 'none',
    });
    expect(decideOnFailure({ ...base, spec: restartSpec, checkpoint: undefined, newlyFailed: false })).toEqual({
      kind: 'none',
    });
  });
  it('restarts from the latest checkpoint with onJobFailure: restart, up to the hourly limit', () => {
    expect(decideOnFailure({ ...base, spec: restartSpec })).toEqual({ kind: 'restart', checkpoint: 'file:/cp/chk-7' });
    const twoRecent = [restart(now - 10 * 60_000), restart(now - 50 * 60_000)];
    expect(restartsInLastHour([...twoRecent, restart(now - 61 * 60_000)], now)).toBe(2);
    expect(decideOnFailure({ ...base, spec: restartSpec, history: twoRecent })).toEqual({
      kind: 'alert',
      why: expect.stringContaining('maxFailureRestartsPerHour (2)'),
    });
    expect(decideOnFailure({ ...base, spec: restartSpec, checkpoint: undefined })).toEqual({
      kind: 'alert',
      why: 'not restarted: the job has no retained checkpoint',
    });
  });
});
