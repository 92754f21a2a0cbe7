/** Durations as people write them on a command line or in env: `500ms`, `5s`, `10m`, `1h30m`, `7d`. */

/**
 * The longest delay a Node.js timer holds: a longer one fires at once (with a TimeoutOverflowWarning), so
 * `--timeout 30d` ended the wait as it began. Waits longer than this are re-armed (src/cli/waiting.ts);
 * settings are at most this.
 */
export const maxTimerMs = 2 ** 31 - 1;

const unitMs: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Parses a duration into milliseconds, or returns undefined when the text is not one.
 * A bare number is read as seconds.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1_000);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== trimmed) return undefined;
  return Math.round(parts.reduce((sum, [, value, unit]) => sum + Number(value) * (unitMs[unit ?? 's'] ?? 0), 0));
}

/** Formats milliseconds as the shortest exact duration, e.g. 900000 → `15m`, 90000 → `1m30s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const out: string[] = [];
  let rest = ms;
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = unitMs[unit] ?? 1;
    const count = Math.floor(rest / size);
    if (count > 0) {
      out.push(`${count}${unit}`);
      rest -= count * size;
    }
  }
  return out.join('');
}
