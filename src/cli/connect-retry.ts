/**
 * The CLI's first connection to Temporal, retried with a bounded backoff: a server restarting or a
 * port-forward coming up (the soak saw the CLI give up on its first failed connect) is waited out
 * for a few seconds, then the last error is given to the caller to report.
 */

/** How the first connection is retried. */
export interface ConnectRetry {
  /** Waits between attempts, ms; one more attempt than waits. @default [500, 1000, 2000, 4000] */
  delaysMs: readonly number[];
  /** No new attempt starts after this many ms from the first. @default 30000 */
  budgetMs: number;
}

export const defaultConnectRetry: ConnectRetry = { delaysMs: [500, 1000, 2000, 4000], budgetMs: 30_000 };

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

/** Calls `connect` until it succeeds or the waits or the budget run out; throws {@link ConnectFailed}. */
export async function connectWithRetry<T>(
  connect: () => Promise<T>,
  retry: ConnectRetry = defaultConnectRetry,
  clock: { now(): number; sleep(ms: number): Promise<void> } = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  },
): Promise<T> {
  const start = clock.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await connect();
    } catch (err) {
      const wait = retry.delaysMs[attempt - 1];
      const elapsed = clock.now() - start;
      if (wait === undefined || elapsed + wait >= retry.budgetMs) throw new ConnectFailed(attempt, elapsed, err);
      await clock.sleep(wait);
    }
  }
}
