/**
 * The first connection to Temporal, retried with a bounded backoff: a server restarting or a
 * port-forward coming up (the soak saw the CLI give up on its first failed connect) is waited out
 * for a few seconds (the CLI) or two minutes (the worker, which may start before the server), then
 * the last error is given to the caller to report.
 */

/** How the first connection is retried. */
export interface ConnectRetry {
  /** Waits between attempts, ms; one more attempt than waits. @default [500, 1000, 2000, 4000] */
  delaysMs: readonly number[];
  /**
   * No new attempt starts after this many ms from the first; each is given the time left (`connect(timeLeftMs)`)
   * to end within it (the CLI's attempts do: the whole stays within the budget). @default 30000
   */
  budgetMs: number;
  /** Told of each failed attempt that is retried (the worker logs it). */
  onRetry?: (failure: { attempt: number; waitMs: number; error: unknown }) => void;
}

export const defaultConnectRetry: ConnectRetry = { delaysMs: [500, 1000, 2000, 4000], budgetMs: 30_000 };

/**
 * The worker's: two minutes. A worker started with (or just before) its Temporal server, as a chart install or a
 * machine's boot does, waits for it instead of exiting at the first refused connection.
 */
export const workerConnectRetry: ConnectRetry = {
  delaysMs: [1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000, 15_000, 15_000, 15_000, 15_000],
  budgetMs: 120_000,
};

/** Why the connection failed, after how many attempts over how long. */
export class ConnectFailed extends Error {
  override readonly name = 'ConnectFailed';
  constructor(
    readonly attempts: number,
    readonly elapsedMs: number,
    readonly last: unknown,
  ) {
    super(`${(last as Error)?.message ?? String(last)} (${attempts} attempt(s) over ${Math.round(elapsedMs / 1000)}s)`);
  }
}

/**
 * Calls `connect` until it succeeds or the waits or the budget run out; throws {@link ConnectFailed}. Each attempt
 * is told the time left of the budget: one that keeps to it ends the whole within the budget.
 */
export async function connectWithRetry<T>(
  connect: (timeLeftMs: number) => Promise<T>,
  retry: ConnectRetry = defaultConnectRetry,
  clock: { now(): number; sleep(ms: number): Promise<void> } = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  },
): Promise<T> {
  const start = clock.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await connect(retry.budgetMs - (clock.now() - start));
    } catch (err) {
      const wait = retry.delaysMs[attempt - 1];
      const elapsed = clock.now() - start;
      if (wait === undefined || elapsed + wait >= retry.budgetMs) throw new ConnectFailed(attempt, elapsed, err);
      retry.onRetry?.({ attempt, waitMs: wait, error: err });
      await clock.sleep(wait);
    }
  }
}
