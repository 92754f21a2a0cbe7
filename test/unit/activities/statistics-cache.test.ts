/** Flink durations as `rest.cache.checkpoint-statistics.timeout` takes them. */
import { durationMs } from '../../../src/activities/statistics-cache';

test.each([
  ['3000', 3000],
  ['500ms', 500],
  ['3 s', 3000],
  ['15 s', 15_000],
  ['2 min', 120_000],
  ['1m', 60_000],
])('%s is %i ms', (value, ms) => {
  expect(durationMs(value)).toBe(ms);
});

test.each([undefined, '', 'soon', '3 h', '-1 s', '1.5 s'])('%s is not one', (value) => {
  expect(durationMs(value)).toBeUndefined();
});
