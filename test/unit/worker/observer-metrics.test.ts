/**
 * The observer's gauges never get a negative value: the Temporal runtime's gauges throw on one
 * ("MetricGauge value must be non-negative"), which the observer logged for an application whose
 * JobManager was gone (its job state was -1). The meter here refuses negatives the same way.
 */
import type { MetricGauge, MetricMeter } from '@temporalio/common';
import { ageSeconds, JobStateValue } from '../../../src/activities/observe';
import { observerMetrics } from '../../../src/worker/observer-metrics';

/** A meter whose gauges keep their last value per series and throw on a negative one, as Temporal's do. */
function strictMeter(): { meter: MetricMeter; values: Map<string, number> } {
  const values = new Map<string, number>();
  const gauge = (name: string): MetricGauge =>
    ({
      name,
      set(value: number, tags?: Record<string, unknown>) {
        if (value < 0) throw new Error(`MetricGauge value must be non-negative (got ${value})`);
        values.set(`${name}${tags?.flink_application ? `{${String(tags.flink_application)}}` : ''}`, value);
      },
    }) as unknown as MetricGauge;
  return { meter: { createGauge: gauge } as unknown as MetricMeter, values };
}

test('every job state value, unreachable included, is a valid gauge value', () => {
  expect(Object.entries(JobStateValue).filter(([, v]) => v < 0)).toEqual([]);
  expect(JobStateValue.UNREACHABLE).toBe(4);
});

test('an unreachable JobManager and a checkpoint time ahead of the worker clock set gauges without throwing', () => {
  const { meter, values } = strictMeter();
  const metrics = observerMetrics(meter);
  const at = Date.parse('2026-12-01T12:00:00Z');

  metrics.application(
    { namespace: 'default', name: 'gone' },
    {
      jobState: JobStateValue.UNREACHABLE!,
      restarts: 0,
      checkpointAgeSeconds: ageSeconds(at, '2026-12-01T12:00:05Z'),
      savepointAgeSeconds: ageSeconds(at, '2026-12-01T11:59:00Z'),
    },
  );

  expect(values.get('flink_deploy_job_state{gone}')).toBe(4);
  expect(values.get('flink_deploy_last_checkpoint_age_seconds{gone}')).toBe(0);
  expect(values.get('flink_deploy_last_savepoint_age_seconds{gone}')).toBe(60);
});
