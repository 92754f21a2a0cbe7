/** Polling a condition in tests: the one helper every suite uses (no wall-clock sleeps). */

export interface EventuallyOptions {
  /** @default 60000 */
  timeoutMs?: number;
  /** @default 250 */
  intervalMs?: number;
  /** Treat a throwing probe as "not yet" (the last error is named on timeout). @default true */
  tolerateErrors?: boolean;
}

/** Polls `probe` until it returns a value (not undefined), or fails naming `what`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  options: EventuallyOptions = {},
): Promise<T> {
  const { timeoutMs = 60_000, intervalMs = 250, tolerateErrors = true } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      if (!tolerateErrors) throw err;
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
