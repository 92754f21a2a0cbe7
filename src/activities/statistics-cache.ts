/**
 * How long Flink's REST API may answer a job's checkpoint statistics from its cache: the entry is kept
 * `rest.cache.checkpoint-statistics.timeout` (default: `web.refresh-interval`, 3 s) after it was made. A read
 * that starts that long after the job was seen ended is made after the end: it lists every checkpoint the job
 * completed (a checkpoint completed just before a cancel is the one Flink retains; an older one it deleted).
 */
import type { FlinkRestClient } from '../flink';
import { parseFlinkDurationMs } from '../spec/durations';

export const statisticsTimeoutKey = 'rest.cache.checkpoint-statistics.timeout';
/** Never wait longer than this for the cache, whatever the cluster says (latestCheckpoint has a minute). */
const MOST_MS = 30_000;
/** Flink's default `web.refresh-interval`. */
const DEFAULT_MS = 3_000;

/** The cache's lifetime on this cluster, in ms (bounded). */
export async function statisticsCacheMs(flink: FlinkRestClient, signal: AbortSignal): Promise<number> {
  const [dashboard, config] = await Promise.all([flink.config({ signal }), flink.jobManagerConfig({ signal })]);
  const setting = config[statisticsTimeoutKey];
  const configured = setting === undefined ? undefined : parseFlinkDurationMs(setting);
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
