/**
 * Reading errors, the one way every layer does it: an error's stable `code` and whether it is
 * `retryable` (the Flink, Kubernetes and record errors carry both), and the chain of its causes
 * (Temporal wraps an activity's ApplicationFailure in an ActivityFailure, undici wraps socket
 * errors). Pure: the workflows use it in the sandbox too.
 */

/** How deep a cause chain is followed: the deepest we meet is CLI error → workflow → activity → cause. */
const MAX_CAUSE_DEPTH = 8;

/** `err`, its cause, its cause's cause... (at most {@link MAX_CAUSE_DEPTH}; stops at a cycle). */
export function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e !== undefined && e !== null && chain.length < MAX_CAUSE_DEPTH;) {
    if (chain.includes(e)) break;
    chain.push(e);
    e = typeof e === 'object' ? (e as { cause?: unknown }).cause : undefined;
  }
  return chain;
}

/** The first error in the cause chain that `match` accepts. */
export function findCause<T>(err: unknown, match: (e: unknown) => e is T): T | undefined {
  return causeChain(err).find(match);
}

/** The error's own stable `code` string, if it has one. */
export function errorCode(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** True when the error's code is one of `codes`. */
export function hasErrorCode(err: unknown, ...codes: string[]): boolean {
  const code = errorCode(err);
  return code !== undefined && codes.includes(code);
}

/** True when the error says retrying may succeed ("could not ask", as opposed to "the answer is no"). */
export function isRetryable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === true;
}
