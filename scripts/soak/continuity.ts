/**
 * Lost state, read from what the counter job wrote (never from our own record): each
 * generation of an application writes `<key> <count>` lines to its own output folder, one file
 * per subtask, so a key's counts in a folder are in the order they were counted. A restore
 * from the previous generation's final state continues at its last count + 1. Pure: the soak
 * reads the folders, this judges them.
 */

/** Per key, the counts one generation wrote, in order. */
export type KeyCounts = Map<number, number[]>;

/** Something wrong with one key's counts. */
export interface CountBreak {
  key: number;
  /** Folder (generation) whose line broke the sequence. */
  folder: string;
  /** The count before, and the one that followed it. */
  previous: number;
  next: number;
  /**
   * `started-over`: back to 1; `went-back`: lower or equal, not 1 (replayed from older state);
   * `skipped`: jumped ahead.
   */
  kind: 'started-over' | 'went-back' | 'skipped';
}

/** The generations of one application, as the soak saw them run. */
export interface GenerationChain {
  /** Folders of the generations that ran, in the order they took over (after a successful upgrade). */
  chain: Array<{ folder: string; counts: KeyCounts }>;
  /** Folders of upgrades that did not take over (rolled back or failed), with the folder running before them. */
  branches: Array<{ folder: string; parent: string; counts: KeyCounts }>;
}

/** What the judgement found for one application. */
export interface ContinuityReport {
  breaks: CountBreak[];
  /** Keys with a started-over or went-back break (the lost-state count). */
  lostKeys: number[];
  /** Generations of the chain (all but the last) that wrote no count for a key: `folder:key`. */
  silent: string[];
  /** How many generation boundaries were checked (old last → new first), over all keys. */
  boundariesChecked: number;
}

function judgeStep(key: number, folder: string, previous: number, next: number): CountBreak | undefined {
  if (next === previous + 1) return undefined;
  if (next === 1) return { key, folder, previous, next, kind: 'started-over' };
  if (next <= previous) return { key, folder, previous, next, kind: 'went-back' };
  return { key, folder, previous, next, kind: 'skipped' };
}

/** Breaks inside one folder's sequences, and across the boundary from `before` (the last count per key). */
function judgeFolder(
  folder: string,
  counts: KeyCounts,
  before: Map<number, number>,
  keys: number,
): { breaks: CountBreak[]; boundaries: number } {
  const breaks: CountBreak[] = [];
  let boundaries = 0;
  for (let key = 0; key < keys; key++) {
    const seq = counts.get(key) ?? [];
    let previous = before.get(key);
    if (previous !== undefined && seq.length > 0) boundaries++;
    for (const next of seq) {
      const b = previous === undefined ? undefined : judgeStep(key, folder, previous, next);
      if (b) breaks.push(b);
      previous = next;
    }
  }
  return { breaks, boundaries };
}

const lastOf = (counts: KeyCounts, prior: Map<number, number>) => {
  const last = new Map(prior);
  for (const [key, seq] of counts) if (seq.length > 0) last.set(key, seq[seq.length - 1]!);
  return last;
};

/** Judges one application's generations; `keys` is how many keys the job counts (0 .. keys - 1). */
export function judgeContinuity(input: GenerationChain, keys: number): ContinuityReport {
  const breaks: CountBreak[] = [];
  const silent: string[] = [];
  let boundariesChecked = 0;
  let last = new Map<number, number>();
  const lastByFolder = new Map<string, Map<number, number>>();
  input.chain.forEach(({ folder, counts }, i) => {
    const judged = judgeFolder(folder, counts, last, keys);
    breaks.push(...judged.breaks);
    boundariesChecked += judged.boundaries;
    if (i < input.chain.length - 1)
      for (let key = 0; key < keys; key++) if (!(counts.get(key)?.length ?? 0)) silent.push(`${folder}:${key}`);
    last = lastOf(counts, last);
    lastByFolder.set(folder, last);
  });
  // A generation that did not take over restored from its parent's state at the time: its first
  // count must not start over; its later counts must rise by one (its parent went on after it).
  for (const { folder, parent, counts } of input.branches) {
    const parentLast = lastByFolder.get(parent) ?? new Map<number, number>();
    for (let key = 0; key < keys; key++) {
      const seq = counts.get(key) ?? [];
      if (seq[0] === 1 && (parentLast.get(key) ?? 0) > 0)
        breaks.push({ key, folder, previous: parentLast.get(key)!, next: 1, kind: 'started-over' });
      const inner = judgeFolder(
        folder,
        new Map([[key, seq.slice(1)]]),
        new Map(seq.length ? [[key, seq[0]!]] : []),
        keys,
      );
      breaks.push(...inner.breaks);
    }
  }
  const lostKeys = [
    ...new Set(breaks.filter((b) => b.kind === 'started-over' || b.kind === 'went-back').map((b) => b.key)),
  ].sort((a, b) => a - b);
  return { breaks, lostKeys, silent, boundariesChecked };
}
