import { judgeContinuity, type KeyCounts } from '../../../scripts/soak/continuity';

const counts = (byKey: Record<number, number[]>): KeyCounts =>
  new Map(Object.entries(byKey).map(([k, v]) => [Number(k), v]));

describe('judgeContinuity', () => {
  it('passes generations that each continue at the last count + 1, and counts the boundaries', () => {
    const report = judgeContinuity(
      {
        chain: [
          { folder: 'out-0', counts: counts({ 0: [1, 2, 3], 1: [1, 2] }) },
          { folder: 'out-1', counts: counts({ 0: [4, 5], 1: [3] }) },
          { folder: 'out-2', counts: counts({ 0: [6], 1: [4, 5] }) },
        ],
        branches: [],
      },
      2,
    );
    expect(report).toEqual({ breaks: [], lostKeys: [], silent: [], boundariesChecked: 4 });
  });

  it('counts a key that started over at a generation boundary, and one that went back inside a generation', () => {
    const report = judgeContinuity(
      {
        chain: [
          { folder: 'out-0', counts: counts({ 0: [1, 2, 3], 1: [1, 2, 3] }) },
          { folder: 'out-1', counts: counts({ 0: [1, 2], 1: [4, 5, 3, 4] }) },
        ],
        branches: [],
      },
      2,
    );
    expect(report.breaks).toEqual([
      { key: 0, folder: 'out-1', previous: 3, next: 1, kind: 'started-over' },
      { key: 1, folder: 'out-1', previous: 5, next: 3, kind: 'went-back' },
    ]);
    expect(report.lostKeys).toEqual([0, 1]);
  });

  it('names a generation that wrote nothing for a key (not the last), and a jump ahead apart from lost state', () => {
    const report = judgeContinuity(
      {
        chain: [
          { folder: 'out-0', counts: counts({ 0: [1, 2], 1: [1] }) },
          { folder: 'out-1', counts: counts({ 0: [3] }) },
          { folder: 'out-2', counts: counts({ 0: [9], 1: [2] }) },
        ],
        branches: [],
      },
      2,
    );
    expect(report.silent).toEqual(['out-1:1']);
    expect(report.breaks).toEqual([{ key: 0, folder: 'out-2', previous: 3, next: 9, kind: 'skipped' }]);
    expect(report.lostKeys).toEqual([]);
  });

  it('judges a rolled-back generation against its parent: starting over is lost state, continuing is not', () => {
    const chain = [{ folder: 'out-0', counts: counts({ 0: [1, 2, 3, 4, 5], 1: [1, 2, 3] }) }];
    const ok = judgeContinuity(
      { chain, branches: [{ folder: 'out-1', parent: 'out-0', counts: counts({ 0: [4] }) }] },
      2,
    );
    expect(ok.breaks).toEqual([]);
    const lost = judgeContinuity(
      { chain, branches: [{ folder: 'out-1', parent: 'out-0', counts: counts({ 1: [1, 2] }) }] },
      2,
    );
    expect(lost.lostKeys).toEqual([1]);
    expect(lost.breaks[0]).toMatchObject({ key: 1, folder: 'out-1', kind: 'started-over' });
  });
});
