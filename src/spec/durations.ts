/**
 * Flink's duration syntax (`TimeUtils.parseDuration` in Flink 2.3): an integer with an optional
 * unit (`10s`, `10 s`, `1min`, `500` = milliseconds), or, without leading digits, ISO-8601
 * (`PT10S`, `PT1M30S`, `P1D`; Flink 2.1 on, measured: 1.18 to 2.0 refuse it). Units are
 * case-insensitive; fractions are not accepted.
 */

const unitMs: Record<string, number> = {};
function units(ms: number, labels: string[]): void {
  for (const label of labels) unitMs[label] = ms;
}
units(86_400_000, ['d', 'day', 'days']);
units(3_600_000, ['h', 'hour', 'hours']);
units(60_000, ['min', 'm', 'minute', 'minutes']);
units(1_000, ['s', 'sec', 'secs', 'second', 'seconds']);
units(1, ['ms', 'milli', 'millis', 'millisecond', 'milliseconds']);
units(0.001, ['µs', 'us', 'micro', 'micros', 'microsecond', 'microseconds']);
units(0.000_001, ['ns', 'nano', 'nanos', 'nanosecond', 'nanoseconds']);

const iso = /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{0,9}))?S)?)?$/i;

function parseIso(text: string): number | undefined {
  const match = iso.exec(text);
  if (!match || /T$/i.test(text) || text.toUpperCase() === 'P') return undefined;
  const [, sign, days, hours, minutes, seconds, fraction] = match;
  const num = (value: string | undefined): number => (value ? Number(value) : 0);
  const secondsPart = num(seconds);
  const fractionMs = fraction ? Number(`0.${fraction}`) * 1000 * (seconds?.startsWith('-') ? -1 : 1) : 0;
  const ms = num(days) * 86_400_000 + num(hours) * 3_600_000 + num(minutes) * 60_000 + secondsPart * 1000 + fractionMs;
  return sign === '-' ? -ms : ms;
}

/**
 * The duration in milliseconds, or undefined when Flink would not accept `text` (or it is negative);
 * `iso` false: as Flink before 2.1, which reads no ISO-8601.
 */
export function parseFlinkDurationMs(text: string, iso = true): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const digits = /^\d*/.exec(trimmed)?.[0] ?? '';
  if (digits === '') {
    if (!iso) return undefined;
    const ms = parseIso(trimmed);
    return ms === undefined || ms < 0 ? undefined : ms;
  }
  const unit = trimmed.slice(digits.length).trim().toLowerCase();
  const factor = unit === '' ? 1 : Object.hasOwn(unitMs, unit) ? unitMs[unit] : undefined;
  if (factor === undefined) return undefined;
  return Number(digits) * factor;
}

/** A duration for messages: `10s`, `5min`, `1500ms`. */
export function formatDurationMs(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}min`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
