/** Issue 10 §3: `status` shows the observed health with its time and the checkpoint's age. */
import { observedLines, observedView } from '../../../src/cli/observed-view';
import { Health } from '../../../src/contract/observed-health';

const observed = {
  health: Health.Failed,
  since: '2026-12-01T11:59:30.000Z',
  observedAt: '2026-12-01T11:59:50.000Z',
  jobId: 'j1',
  jobState: 'FAILED',
  restarts: 2,
  lastCheckpoint: { id: 9, location: 'file:/cp/chk-9', completedAt: '2026-12-01T11:59:00.000Z' },
  message: 'job j1 FAILED (terminal)',
};
const now = Date.parse('2026-12-01T12:00:00Z');

it('computes the ages at read time and says when the observation is of a previous job', () => {
  expect(observedView(observed, 'j1', now)).toMatchObject({
    health: 'failed',
    observedAgeSeconds: 10,
    checkpointAgeSeconds: 60,
    stale: false,
  });
  expect(observedView(observed, 'j2', now)?.stale).toBe(true);
  expect(observedView(undefined, 'j1', now)).toBeUndefined();
});

it('prints the health, since when, the checkpoint age and the restarts', () => {
  const text = observedLines(observedView(observed, 'j1', now)).join('\n');
  expect(text).toContain('health:      failed since 2026-12-01T11:59:30.000Z: job j1 FAILED (terminal)');
  expect(text).toContain('last checkpoint 9 60s ago, 2 restart(s); observed 10s ago');
  expect(observedLines(undefined).join('\n')).toContain('not observed yet');
});
