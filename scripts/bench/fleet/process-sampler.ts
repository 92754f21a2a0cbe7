/**
 * CPU and resident memory of one process over time, read from /proc (Linux): a sample every
 * `everyMs`, CPU as the share of one core used since the previous sample.
 */
import { readFileSync } from 'node:fs';

const ticksPerSecond = 100;
const pageBytes = 4096;

export interface ProcessSample {
  /** ms since the sampler started. */
  atMs: number;
  rssMb: number;
  /** Share of one core since the previous sample (1 = one core busy). */
  cpu: number;
}

function readProc(pid: number): { cpuSeconds: number; rssMb: number } | undefined {
  try {
    // Fields after the command name (which may hold spaces) start at state (field 3).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
    const rssPages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return { cpuSeconds, rssMb: (rssPages * pageBytes) / 2 ** 20 };
  } catch {
    return undefined;
  }
}

export class ProcessSampler {
  readonly samples: ProcessSample[] = [];
  private timer?: NodeJS.Timeout;
  private readonly startedAt = Date.now();
  private last?: { at: number; cpuSeconds: number };

  constructor(
    private readonly pid: number,
    private readonly everyMs: number,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.sample();
  }

  /** CPU share of one core over the whole run. */
  averageCpu(): number {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.atMs === first.atMs) return 0;
    return this.samples.slice(1).reduce((sum, s) => sum + s.cpu, 0) / (this.samples.length - 1);
  }

  private sample(): void {
    const now = Date.now();
    const read = readProc(this.pid);
    if (!read) return;
    const cpu = this.last ? (read.cpuSeconds - this.last.cpuSeconds) / ((now - this.last.at) / 1000) : 0;
    this.last = { at: now, cpuSeconds: read.cpuSeconds };
    this.samples.push({ atMs: now - this.startedAt, rssMb: read.rssMb, cpu });
  }
}
