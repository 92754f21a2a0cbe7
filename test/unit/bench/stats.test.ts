import { describeSummary, summarize } from '../../../scripts/bench/stats';

test('the median of an odd count is the middle value', () => {
  expect(summarize([5, 1, 3])).toEqual({ median: 3, used: [5, 1, 3], dropped: 0 });
});

test('the median of an even count is the mean of the two middle values', () => {
  expect(summarize([18.4, 16.3, 21.2, 14.6]).median).toBeCloseTo(17.35, 10);
  expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
});

test('NaN and infinite samples are left out and counted', () => {
  expect(summarize([NaN, 4, 2, Infinity, 10])).toEqual({ median: 4, used: [4, 2, 10], dropped: 2 });
});

test('no measurable sample gives NaN, not a number from nowhere', () => {
  expect(summarize([NaN, NaN])).toEqual({ median: NaN, used: [], dropped: 2 });
  expect(summarize([]).median).toBeNaN();
});

test('the description names how many runs the median is of, and how many were not measured', () => {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  expect(describeSummary(summarize([1000, 3000]), seconds)).toBe('2.0 s (median of 2)');
  expect(describeSummary(summarize([1000, NaN, 3000]), seconds)).toBe('2.0 s (median of 2; 1 run(s) not measured)');
});
