/**
 * Where a process's resident memory is, from /proc/<pid>/smaps (Linux): glibc's malloc arenas (the
 * main one is `[heap]`; each other arena is an anonymous mapping at a 64 MiB boundary, its unused
 * rest reserved without access right after it), and the rest (V8's heaps, thread stacks, code).
 */
import { readFileSync } from 'node:fs';

const arenaBytes = 64 * 2 ** 20;

export interface MemoryMap {
  rssMb: number;
  /** `[heap]` plus the 64 MiB arenas of other threads. */
  mallocMb: number;
  /** How many non-main arenas hold memory. */
  arenas: number;
}

interface Mapping {
  start: number;
  end: number;
  perms: string;
  path: string;
  rssKb: number;
}

function mappings(pid: number): Mapping[] {
  const out: Mapping[] = [];
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      out.push({
        start: parseInt(head[1]!, 16),
        end: parseInt(head[2]!, 16),
        perms: head[3]!,
        path: head[4]!.trim(),
        rssKb: 0,
      });
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && out.length) out.at(-1)!.rssKb = Number(rss[1]);
  }
  return out;
}

/** The map of `pid` now; undefined when the process is gone. */
export function memoryMap(pid: number): MemoryMap | undefined {
  let maps: Mapping[];
  try {
    maps = mappings(pid);
  } catch {
    return undefined;
  }
  let rssKb = 0;
  let mallocKb = 0;
  let arenas = 0;
  maps.forEach((m, i) => {
    rssKb += m.rssKb;
    if (m.path === '[heap]') mallocKb += m.rssKb;
    if (m.path !== '' || m.start % arenaBytes !== 0 || !m.perms.startsWith('rw')) return;
    const rest = maps[i + 1];
    const reserved =
      rest && rest.path === '' && rest.start === m.end && rest.perms.startsWith('---') ? rest : undefined;
    if ((reserved ? reserved.end : m.end) - m.start !== arenaBytes) return;
    mallocKb += m.rssKb;
    if (m.rssKb > 0) arenas++;
  });
  return { rssMb: rssKb / 1024, mallocMb: mallocKb / 1024, arenas };
}
