/** Promises settled as values, and the run's outcome from the injection's and the operation's (pure). */

/** A promise's outcome as a value. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** The operation's CLI result, or the run's error: the injection's first (it came first), the operation's after it. */
export function outcomeOrThrow<T>(injected: Settled<unknown>, acted: Settled<T>): T {
  const message = (s: { error: unknown }) => (s.error instanceof Error ? s.error.message : String(s.error));
  if (!injected.ok && !acted.ok) throw new Error(`${message(injected)}; the operation too: ${message(acted)}`);
  if (!injected.ok) throw injected.error;
  if (!acted.ok) throw acted.error;
  return acted.value;
}
