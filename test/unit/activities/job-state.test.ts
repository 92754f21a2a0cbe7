/**
 * jobState: what Flink says of a job, or UNREACHABLE after a few looks. A JobManager that does not answer at all
 * takes each look Flink's 10 s read timeout (here the test clock moves 12 s per look: the timeout and the pause):
 * the looks end within 40 s, so the answer comes inside the activity's 1 minute (flinkLook), not a timeout.
 */
import { activityHarness, type ActivityHarness } from '../../support/activity-harness';

const app = { namespace: 'default', name: 'counter' };
const jobId = '11112222333344445555666677778888';

let h: ActivityHarness;
afterEach(() => h.close());

test('every look taking its read timeout: UNREACHABLE within about 40 s, saying how many looks', async () => {
  h = activityHarness({ msPerPoll: 12_000 });
  h.flink.reachable = false;

  const answer = await h.run('jobState', { app, jobId });

  expect(answer.state).toBe('UNREACHABLE');
  expect(answer).toMatchObject({ reason: expect.stringMatching(/^FLINK_UNREACHABLE: .* \(3 looks over 4\d s\)$/) });
  expect(h.heartbeats).toHaveLength(3);
  expect(h.elapsedMs()).toBeLessThan(60_000);
}, 30_000);

test('a JobManager that fails fast: ten looks 2 s apart, then UNREACHABLE', async () => {
  h = activityHarness({ msPerPoll: 1 });
  h.flink.reachable = false;

  const answer = await h.run('jobState', { app, jobId });

  expect(answer).toMatchObject({ state: 'UNREACHABLE', reason: expect.stringMatching(/\(10 looks over 1\d s\)$/) });
}, 60_000);

test('an answer after a look unanswered: the state Flink says', async () => {
  h = activityHarness({ msPerPoll: 1 });
  h.flink.reachable = false;
  h.atPoll(1, () => {
    h.flink.reachable = true;
    h.flink.runJob(jobId, {});
  });

  expect(await h.run('jobState', { app, jobId })).toEqual({ state: 'RUNNING' });
  expect(h.heartbeats).toHaveLength(1);
}, 30_000);
