/**
 * Statistics of the benchmark's samples: the median (of an even count, the mean of the two
 * middle values), with the samples that are not numbers (a run whose downtime could not be
 * measured) left out and counted, never silently sorted in.
 */

/** A median and what it was taken of. */
export interface SampleSummary {
  /** NaN when no sample is a finite number. */
  median: number;
  /** The finite samples the median was taken of, in run order. */
  used: number[];
  /** How many samples were left out (NaN or infinite): runs whose figure could not be measured. */
  dropped: number;
}

/** The median of the finite samples; see the module comment. */
export function summarize(samples: readonly number[]): SampleSummary {
  const used = samples.filter((x) => Number.isFinite(x));
  const sorted = [...used].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length === 0 ? NaN : sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, used, dropped: samples.length - used.length };
}

/** "18.4 s (median of 4)" or "18.4 s (median of 3; 1 run not measured)". */
export function describeSummary(s: SampleSummary, format: (x: number) => string): string {
  const of = `median of ${s.used.length}`;
  return `${format(s.median)} (${s.dropped ? `${of}; ${s.dropped} run(s) not measured` : of})`;
}

/** The p-th percentile (0–100) of the finite samples, nearest rank; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = samples.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}
