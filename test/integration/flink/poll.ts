import { eventually } from '../../support/eventually';
/** Polls `probe` until it returns a value (not undefined), or fails naming `what`. */
export function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
  intervalMs = 250,
): Promise<T> {
  return eventually(what, probe, { timeoutMs, intervalMs });
}
