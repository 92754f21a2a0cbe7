/**
 * What the operation activities measure, as the worker's Prometheus metrics (the worker wires
 * the Temporal runtime's meter in: src/worker/operation-metrics.ts; docs/metrics.md lists them).
 * Recorded by the attempt whose side effect landed, so a retried activity counts once.
 */
export interface OperationMetrics {
  /** An operation released its lock with this outcome, `seconds` after it took it. */
  operationEnded(values: { operation: string; outcome: string; seconds: number }): void;
  /** A savepoint this attempt triggered completed (`stop`: stop-with-savepoint). */
  savepointTaken(values: { stop: boolean; seconds: number }): void;
  /** A job restored from an upgrade's savepoint runs: seconds since the old job stopped with it. */
  upgradeDowntime(values: { seconds: number }): void;
}

/** Measures nothing (tests, and activities built without a meter). */
export const noOperationMetrics: OperationMetrics = {
  operationEnded: () => undefined,
  savepointTaken: () => undefined,
  upgradeDowntime: () => undefined,
};
