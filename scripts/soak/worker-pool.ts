/**
 * The soak's own worker processes on its task queue: started, one of those that poll SIGKILLed
 * at random about every `killEverySeconds` (each gap drawn from 0.5× to 1.5× of it) and started
 * again at once, with
 * their resident memory read from /proc (Linux).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';

/** A worker process as the soak sees it. */
interface PoolWorker {
  slot: number;
  process: ChildProcess;
  startedAt: number;
  /** It logged "worker running" (polling its task queue). */
  polling: boolean;
}

/** Resident memory of one worker at one moment. */
export interface WorkerRss {
  slot: number;
  pid: number;
  /** MiB, from VmRSS of /proc/<pid>/status (0 if it could not be read). */
  rssMiB: number;
  /** Seconds since this process started. */
  ageSeconds: number;
}

/** VmRSS of a process in MiB, 0 when gone or unreadable. */
export function rssMiB(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

export class WorkerPool {
  private readonly workers: PoolWorker[] = [];
  private killTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** How many SIGKILLs were sent. */
  kills = 0;
  /** Kills skipped because no worker was polling yet. */
  skipped = 0;
  /** RSS of each worker just before it was SIGKILLed: the longest-lived figures of the run. */
  readonly rssAtKill: WorkerRss[] = [];

  constructor(
    private readonly cli: { node: string; entry: string; env: NodeJS.ProcessEnv; metricsBasePort: number },
    private readonly logDir: string,
    private readonly log: (line: string) => void,
  ) {}

  start(count: number): void {
    for (let slot = 0; slot < count; slot++) this.workers.push(this.spawnWorker(slot));
  }

  private spawnWorker(slot: number): PoolWorker {
    const out = createWriteStream(path.join(this.logDir, `worker-${slot}.log`), { flags: 'a' });
    // Each worker its own metrics address (two on one port would fail to start).
    const metrics = `127.0.0.1:${this.cli.metricsBasePort + slot}`;
    const process = spawn(this.cli.node, [this.cli.entry, 'worker'], {
      env: { ...this.cli.env, FLINK_DEPLOY_METRICS_ADDRESS: metrics },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    process.stdout?.pipe(out);
    process.stderr?.pipe(out);
    const worker: PoolWorker = { slot, process, startedAt: Date.now(), polling: false };
    process.stdout?.on('data', (d: Buffer) => {
      if (!worker.polling && d.toString().includes('"msg":"worker running"')) worker.polling = true;
    });
    return worker;
  }

  /** SIGKILLs a random worker every ~meanSeconds and starts another in its place. */
  startKilling(meanSeconds: number): void {
    if (meanSeconds <= 0) return;
    const next = () => {
      this.killTimer = setTimeout(
        () => {
          void this.killOne().then(next);
        },
        meanSeconds * 1000 * (0.5 + Math.random()),
      );
    };
    next();
  }

  private async killOne(): Promise<void> {
    if (this.stopped) return;
    // Only a worker that polls is killed: on a loaded machine a worker takes over a minute to
    // start (it bundles the workflow code), and killing the ones still starting would leave
    // the task queue with no worker at all, which measures the machine, not flink-deploy.
    const polling = this.workers.filter((w) => w.polling);
    if (polling.length === 0) {
      this.skipped++;
      return;
    }
    const victim = polling[Math.floor(Math.random() * polling.length)]!;
    const pid = victim.process.pid!;
    this.rssAtKill.push({ slot: victim.slot, pid, rssMiB: rssMiB(pid), ageSeconds: this.ageOf(victim) });
    await stop(victim.process, 'SIGKILL');
    this.kills++;
    if (this.stopped) return;
    this.workers[this.workers.indexOf(victim)] = this.spawnWorker(victim.slot);
    this.log(`worker ${victim.slot} (pid ${pid}) SIGKILLed; started again (kill ${this.kills})`);
  }

  private ageOf(w: PoolWorker): number {
    return Math.round((Date.now() - w.startedAt) / 1000);
  }

  /** Resident memory of every live worker now. */
  rss(): WorkerRss[] {
    return this.workers.map((w) => ({
      slot: w.slot,
      pid: w.process.pid ?? 0,
      rssMiB: rssMiB(w.process.pid ?? 0),
      ageSeconds: this.ageOf(w),
    }));
  }

  /** No more SIGKILLs (the workers keep running). */
  stopKilling(): void {
    this.stopped = true;
    clearTimeout(this.killTimer);
  }

  /** Stops killing, and stops every worker (SIGTERM: a graceful shutdown). */
  async stopAll(): Promise<void> {
    this.stopKilling();
    await Promise.all(this.workers.map((w) => stop(w.process, 'SIGTERM')));
  }
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  return exited;
}
