/** The resource requirements an in-place rescale PUTs (adaptive scheduler). */
import { rescaledRequirements } from '../../../src/flink';

const bounds = (lowerBound: number, upperBound: number) => ({ parallelism: { lowerBound, upperBound } });

describe('rescaledRequirements', () => {
  it('moves the vertices at the job parallelism to the new one, and leaves a pinned vertex alone', () => {
    const current = { source: bounds(1, 2), counter: bounds(1, 2), pinned: bounds(1, 1) };
    expect(rescaledRequirements({ current, from: 2, to: 3 })).toEqual({
      requirements: { source: bounds(1, 3), counter: bounds(1, 3), pinned: bounds(1, 1) },
      targets: { source: 3, counter: 3, pinned: 1 },
    });
  });

  it('keeps the lower bound at most the upper when scaling down', () => {
    const current = { a: bounds(3, 3) };
    expect(rescaledRequirements({ current, from: 3, to: 2 })).toEqual({
      requirements: { a: bounds(2, 2) },
      targets: { a: 2 },
    });
  });

  it('is the same request when retried after the first was taken', () => {
    const first = rescaledRequirements({ current: { a: bounds(1, 2) }, from: 2, to: 3 });
    expect(rescaledRequirements({ current: first.requirements, from: 2, to: 3 })).toEqual(first);
  });

  it('caps a bound at the vertex max parallelism', () => {
    const current = { a: bounds(1, 2), b: bounds(1, 2) };
    expect(rescaledRequirements({ current, from: 2, to: 8, maxParallelism: { a: 4, b: undefined } }).targets).toEqual({
      a: 4,
      b: 8,
    });
  });
});
