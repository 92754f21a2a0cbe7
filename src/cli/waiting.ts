/**
 * How long and until what the CLI waits: a deadline (`--timeout`) and Ctrl-C. Stopping the
 * wait never touches the operation.
 */
import { maxTimerMs } from '../config/durations';
import type { CliIo } from './io';

/** Why a wait ended early. */
export const WaitEnd = { TimedOut: 'timed-out', Interrupted: 'interrupted' } as const;
export type WaitEnd = (typeof WaitEnd)[keyof typeof WaitEnd];

/** A wait with a deadline that Ctrl-C can stop. */
export class Waiting {
  readonly deadline: number;
  private readonly controller = new AbortController();
  private ended?: WaitEnd;
  private timer: NodeJS.Timeout | undefined;
  private readonly removeInterrupt: () => void;

  constructor(
    io: CliIo,
    readonly timeoutMs: number,
  ) {
    this.deadline = Date.now() + timeoutMs;
    this.arm();
    this.removeInterrupt = io.onInterrupt(() => this.end(WaitEnd.Interrupted));
  }

  /** Set once the wait is over (timed out or interrupted). */
  get endedBy(): WaitEnd | undefined {
    return this.ended;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Sleeps `ms`, or less when the wait ends. */
  async sleep(ms: number): Promise<void> {
    if (this.ended) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(ms, maxTimerMs));
      const signal = this.controller.signal;
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done);
    });
  }

  /** Times out at the deadline: one timer, or a chain of them for a deadline further than a timer holds. */
  private arm(): void {
    const left = this.deadline - Date.now();
    if (left <= 0) return this.end(WaitEnd.TimedOut);
    this.timer = setTimeout(() => this.arm(), Math.min(left, maxTimerMs));
  }

  /** Removes the timer and the Ctrl-C handler. */
  dispose(): void {
    clearTimeout(this.timer);
    this.removeInterrupt();
  }

  private end(reason: WaitEnd): void {
    if (this.ended) return;
    this.ended = reason;
    this.controller.abort();
  }
}
