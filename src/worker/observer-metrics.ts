/**
 * The observer's Prometheus gauges, on the worker's metrics endpoint (`metrics.address`, the
 * Temporal runtime's exporter, beside the SDK's own metrics). One series per application
 * (labels `flink_namespace`, `flink_application`). docs/observer.md lists them.
 */
import type { MetricMeter } from '@temporalio/common';
import type { ObserverMetrics } from '../activities/observe';

export function observerMetrics(meter: MetricMeter): ObserverMetrics {
  const jobState = meter.createGauge(
    'flink_deploy_job_state',
    'int',
    '',
    'Flink job state as the observer saw it: 1 RUNNING, 2 RESTARTING/FAILING, 3 FAILED, 4 JobManager ' +
      'unreachable, 0 other',
  );
  const restarts = meter.createGauge(
    'flink_deploy_job_restarts',
    'int',
    '',
    'restarts of the job since its generation started',
  );
  const checkpointAge = meter.createGauge(
    'flink_deploy_last_checkpoint_age_seconds',
    'float',
    's',
    'age of the job’s latest completed checkpoint',
  );
  const savepointAge = meter.createGauge(
    'flink_deploy_last_savepoint_age_seconds',
    'float',
    's',
    'age of the newest savepoint in the deployed-state record',
  );
  const sweepDuration = meter.createGauge(
    'flink_deploy_observer_sweep_duration_seconds',
    'float',
    's',
    'how long the last sweep of every application took',
  );
  const sweptApplications = meter.createGauge(
    'flink_deploy_observer_applications',
    'int',
    '',
    'applications the last sweep read',
  );
  return {
    application(app, values) {
      const tags = { flink_namespace: app.namespace, flink_application: app.name };
      jobState.set(values.jobState, tags);
      restarts.set(values.restarts, tags);
      if (values.checkpointAgeSeconds !== undefined) checkpointAge.set(values.checkpointAgeSeconds, tags);
      if (values.savepointAgeSeconds !== undefined) savepointAge.set(values.savepointAgeSeconds, tags);
    },
    sweep(values) {
      sweepDuration.set(values.durationMs / 1000);
      sweptApplications.set(values.applications);
    },
  };
}
