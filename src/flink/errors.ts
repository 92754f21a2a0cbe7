/**
 * Errors of the Flink REST client, split the way callers must treat them:
 * - {@link FlinkTransportError}: "could not ask" (connection refused, timeout, 5xx). Retryable:
 *   the answer is unknown, so nothing may be concluded from it.
 * - {@link FlinkApiError}: "Flink says no" (404 unknown job, 409, 400). Not retryable as is.
 * Match on `code` (stable strings), not on `instanceof`, across process or sandbox boundaries.
 */

/** Stable codes of Flink client errors. */
export const FlinkErrorCode = {
  /** Connection refused/reset, host unreachable, DNS failure. */
  Unreachable: 'FLINK_UNREACHABLE',
  /** No answer within the call's timeout. */
  Timeout: 'FLINK_TIMEOUT',
  /** Flink answered 5xx. */
  ServerError: 'FLINK_SERVER_ERROR',
  /** The answer was not the JSON we expect. */
  BadResponse: 'FLINK_BAD_RESPONSE',
  /** The caller's AbortSignal fired. Not retryable: the caller gave up. */
  Aborted: 'FLINK_ABORTED',
  /** No ready endpoint of the REST Service (outside the cluster). */
  NoEndpoint: 'FLINK_NO_ENDPOINT',
  /** 404: unknown job, trigger id, jar, or path. */
  NotFound: 'FLINK_NOT_FOUND',
  /** 409: the request conflicts with the job's state. */
  Conflict: 'FLINK_CONFLICT',
  /** 400 and other 4xx: Flink refused the request as malformed or not allowed. */
  BadRequest: 'FLINK_BAD_REQUEST',
} as const;
export type FlinkErrorCode = (typeof FlinkErrorCode)[keyof typeof FlinkErrorCode];

/** What was asked, for messages and logs. */
export interface FlinkRequestInfo {
  method: string;
  /** Full URL of the request. */
  url: string;
}

/** Base of the client's errors. */
export abstract class FlinkError extends Error {
  abstract readonly code: FlinkErrorCode;
  abstract readonly retryable: boolean;
  readonly method: string;
  readonly url: string;

  protected constructor(message: string, request: FlinkRequestInfo, options?: { cause?: unknown }) {
    super(message, options);
    this.method = request.method;
    this.url = request.url;
  }
}

/** "Could not ask": Flink's answer is unknown (or was a 5xx). */
export class FlinkTransportError extends FlinkError {
  override readonly name = 'FlinkTransportError';
  readonly code: FlinkErrorCode;
  readonly retryable: boolean;
  /** HTTP status when Flink answered 5xx. */
  readonly status: number | undefined;

  constructor(input: {
    code: FlinkErrorCode;
    message: string;
    request: FlinkRequestInfo;
    status?: number;
    cause?: unknown;
  }) {
    super(input.message, input.request, { cause: input.cause });
    this.code = input.code;
    this.status = input.status;
    this.retryable = input.code !== FlinkErrorCode.Aborted;
  }
}

/** Longest "Caused by:" message quoted in an error's message. */
const CAUSE_CHARS = 300;

/**
 * Flink's first error in one line: its first line and, when its stack trace goes on to "Caused by:" lines, the
 * first and the root of them (where Flink says what went wrong: "The main method caused an error: …",
 * "ClassNotFoundException: …"), each cut at CAUSE_CHARS.
 */
export function flinkErrorSummary(flinkErrors: readonly string[]): string {
  const lines = (flinkErrors[0] ?? '').split('\n').map((line) => line.trim());
  const first = lines[0] ?? '';
  const causes = lines.filter((line) => line.startsWith('Caused by: ')).map((line) => line.slice(11));
  const cut = (text: string) => (text.length > CAUSE_CHARS ? `${text.slice(0, CAUSE_CHARS)}…` : text);
  const [outer, root] = [causes[0], causes[causes.length - 1]];
  if (outer === undefined || root === undefined) return first;
  return outer === root ? `${first} (caused by: ${cut(outer)})` : `${first} (caused by: ${cut(outer)} … ${cut(root)})`;
}

/** "Flink says no": Flink answered and refused. */
export class FlinkApiError extends FlinkError {
  override readonly name = 'FlinkApiError';
  readonly code: FlinkErrorCode;
  readonly retryable = false;
  readonly status: number;
  /** Flink's `errors` array, as sent. */
  readonly flinkErrors: readonly string[];

  /**
   * @param input.status the HTTP status, or the one Flink would have meant when the refusal came
   *   inside a 200 answer (an async operation that failed because the job is unknown: 404)
   * @param input.message replaces the default "METHOD url: Flink answered STATUS: first error"
   */
  constructor(input: {
    code: FlinkErrorCode;
    status: number;
    flinkErrors: readonly string[];
    request: FlinkRequestInfo;
    message?: string;
  }) {
    const first = flinkErrorSummary(input.flinkErrors);
    super(
      input.message ??
        `${input.request.method} ${input.request.url}: Flink answered ${input.status}${first ? `: ${first}` : ''}`,
      input.request,
    );
    this.code = input.code;
    this.status = input.status;
    this.flinkErrors = input.flinkErrors;
  }
}

/** True for errors of this client (by shape, so it also works on errors that crossed a boundary). */
export function isFlinkError(err: unknown): err is FlinkError {
  if (!(err instanceof Error)) return false;
  const code: unknown = (err as Error & { code?: unknown }).code;
  return (Object.values(FlinkErrorCode) as unknown[]).includes(code);
}
