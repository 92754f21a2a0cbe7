/**
 * The operations' Prometheus metrics, on the worker's one metrics endpoint (`metrics.address`:
 * the Temporal runtime's exporter, beside the SDK's own metrics and the observer's gauges).
 * docs/metrics.md lists every series.
 */
import type { MetricMeter } from '@temporalio/common';
import type { OperationMetrics } from '../activities/metrics';

/** Metric names, so the runtime's bucket overrides and the tests name the same series. */
export const OperationMetricName = {
  Operations: 'flink_deploy_operations_total',
  OperationDuration: 'flink_deploy_operation_duration_seconds',
  SavepointDuration: 'flink_deploy_savepoint_duration_seconds',
  UpgradeDowntime: 'flink_deploy_upgrade_downtime_seconds',
} as const;

/** Seconds: operations take from under a second (no change) to many minutes (a slow rollback). */
const OPERATION_BUCKETS = [0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1200];
/** Seconds: savepoints and downtime, from a second to a quarter of an hour. */
const SHORT_BUCKETS = [0.5, 1, 2, 5, 10, 15, 20, 30, 45, 60, 120, 300, 900];

/** Histogram buckets in seconds, for `Runtime.install`'s Prometheus exporter (its defaults are in ms). */
export const operationHistogramBuckets: Record<string, number[]> = {
  [OperationMetricName.OperationDuration]: OPERATION_BUCKETS,
  [OperationMetricName.SavepointDuration]: SHORT_BUCKETS,
  [OperationMetricName.UpgradeDowntime]: SHORT_BUCKETS,
};

export function operationMetrics(meter: MetricMeter): OperationMetrics {
  const operations = meter.createCounter(
    OperationMetricName.Operations,
    '',
    'operations that ended, by operation (deploy, upgrade, suspend...) and outcome',
  );
  const duration = meter.createHistogram(
    OperationMetricName.OperationDuration,
    'float',
    's',
    'from taking the application’s lock to releasing it, by operation and outcome',
  );
  const savepoint = meter.createHistogram(
    OperationMetricName.SavepointDuration,
    'float',
    's',
    'from the savepoint’s trigger to its completion, by stop (stop-with-savepoint) or not',
  );
  const downtime = meter.createHistogram(
    OperationMetricName.UpgradeDowntime,
    'float',
    's',
    'savepoint upgrades: from the old job’s stop with the savepoint to the restored job RUNNING',
  );
  return {
    operationEnded({ operation, outcome, seconds }) {
      operations.add(1, { operation, outcome });
      duration.record(seconds, { operation, outcome });
    },
    savepointTaken({ stop, seconds }) {
      savepoint.record(seconds, { stop: String(stop) });
    },
    upgradeDowntime({ seconds }) {
      downtime.record(seconds);
    },
  };
}
