/**
 * How long Flink's REST API may answer a job's checkpoint statistics from its cache: the entry is kept
 * `rest.cache.checkpoint-statistics.timeout` (default: `web.refresh-interval`, 3 s) after it was made. A read
 * that starts that long after the job was seen ended is made after the end: it lists every checkpoint the job
 * completed (a checkpoint completed just before a cancel is the one Flink retains; an older one it deleted).
 */
import type { FlinkRestClient } from '../flink';

export const statisticsTimeoutKey = 'rest.cache.checkpoint-statistics.timeout';
/** Never wait longer than this for the cache, whatever the cluster says (latestCheckpoint has a minute). */
const MOST_MS = 30_000;
/** Flink's default `web.refresh-interval`. */
const DEFAULT_MS = 3_000;

/** The cache's lifetime on this cluster, in ms (bounded). */
export async function statisticsCacheMs(flink: FlinkRestClient, signal: AbortSignal): Promise<number> {
  const [dashboard, config] = await Promise.all([flink.config({ signal }), flink.jobManagerConfig({ signal })]);
  const configured = durationMs(config[statisticsTimeoutKey]);
  return Math.min(MOST_MS, configured ?? refreshMs(dashboard['refresh-interval']));
}

/**
 * How long Flink's REST API may answer a job's details and exception history from its cache (its execution
 * graph cache: `web.refresh-interval`, 3 s by default), in ms (bounded).
 */
export async function restCacheMs(flink: FlinkRestClient, signal: AbortSignal): Promise<number> {
  return Math.min(MOST_MS, refreshMs((await flink.config({ signal }))['refresh-interval']));
}

function refreshMs(value: unknown): number {
  const ms = Number(value);
  return Number.isFinite(ms) && ms >= 0 ? ms : DEFAULT_MS;
}

/** A Flink duration (`3000`, `3 s`, `500ms`, `1 min`) in ms; undefined when absent or not one. Pure. */
export function durationMs(value: string | undefined): number | undefined {
  const match = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(value ?? '');
  if (!match) return undefined;
  const unit = (match[2] ?? '').toLowerCase();
  const factor: Record<string, number> = {
    '': 1,
    ms: 1,
    milli: 1,
    millis: 1,
    millisecond: 1,
    milliseconds: 1,
    s: 1000,
    sec: 1000,
    secs: 1000,
    second: 1000,
    seconds: 1000,
    m: 60_000,
    min: 60_000,
    minute: 60_000,
    minutes: 60_000,
  };
  const f = factor[unit];
  return f === undefined ? undefined : Number(match[1]) * f;
}
