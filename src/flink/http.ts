/**
 * One HTTP call to Flink REST with undici: timeout, caller's AbortSignal, injectable
 * dispatcher, JSON in and out, and the classification of every failure into
 * {@link FlinkTransportError} or {@link FlinkApiError}.
 */
import { causeChain, errorCode } from '../contract/errors';
import { request, type Dispatcher, type FormData } from 'undici';
import type { ErrorResponseDto } from './dto';
import { FlinkApiError, FlinkErrorCode, FlinkTransportError, flinkErrorSummary, type FlinkRequestInfo } from './errors';

/** Options every client call accepts. */
export interface CallOptions {
  /** Abort the call (e.g. Temporal activity cancellation). */
  signal?: AbortSignal;
  /** Override the call's timeout, in ms. @default the client's profile for this kind of call */
  timeoutMs?: number;
}

/** What the transport needs to know about the cluster. */
export interface HttpTarget {
  baseUrl: string;
  dispatcher?: Dispatcher;
}

/** One request. */
export interface HttpCall {
  method: Dispatcher.HttpMethod;
  path: string;
  query?: Record<string, string>;
  /** JSON body; or a FormData for multipart uploads. */
  body?: unknown;
  timeoutMs: number;
  signal?: AbortSignal;
}

const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const timeoutCodes = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  for (const e of causeChain(err)) {
    // An AggregateError (connect to several addresses) carries its sockets' errors in `errors`.
    for (const one of [e, ...((e as { errors?: unknown[] }).errors ?? [])]) {
      const code = errorCode(one);
      if (code) codes.push(code);
    }
  }
  return codes;
}

function transportError(input: {
  err: unknown;
  info: FlinkRequestInfo;
  timeoutMs: number;
  timedOut: boolean;
  callerAborted: boolean;
}): FlinkTransportError {
  const { err, info } = input;
  const what = `${info.method} ${info.url}`;
  if (input.callerAborted) {
    return new FlinkTransportError({
      code: FlinkErrorCode.Aborted,
      message: `${what}: aborted by the caller`,
      request: info,
      cause: err,
    });
  }
  const codes = errorCodes(err);
  if (input.timedOut || codes.some((c) => timeoutCodes.has(c))) {
    return new FlinkTransportError({
      code: FlinkErrorCode.Timeout,
      message: `${what}: no answer within ${input.timeoutMs} ms`,
      request: info,
      cause: err,
    });
  }
  const reason =
    codes.find((c) => unreachableCodes.has(c)) ?? codes[0] ?? (err instanceof Error ? err.message : String(err));
  return new FlinkTransportError({
    code: FlinkErrorCode.Unreachable,
    message: `${what}: could not reach Flink (${reason})`,
    request: info,
    cause: err,
  });
}

function apiErrorCode(status: number): FlinkErrorCode {
  if (status === 404) return FlinkErrorCode.NotFound;
  if (status === 409) return FlinkErrorCode.Conflict;
  return FlinkErrorCode.BadRequest;
}

function flinkErrorsOf(text: string): string[] {
  try {
    const parsed = JSON.parse(text) as ErrorResponseDto;
    if (Array.isArray(parsed.errors)) return parsed.errors.map(String);
  } catch {
    // not JSON
  }
  return text ? [text] : [];
}

function urlOf(target: HttpTarget, call: HttpCall): string {
  const base = target.baseUrl.replace(/\/+$/, '');
  const query =
    call.query && Object.keys(call.query).length > 0 ? `?${new URLSearchParams(call.query).toString()}` : '';
  return `${base}${call.path}${query}`;
}

function isFormData(body: unknown): body is FormData {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as FormData).append === 'function' &&
    Object.prototype.toString.call(body) === '[object FormData]'
  );
}

/**
 * Sends one request and returns the parsed JSON answer (undefined for an empty body).
 * 2xx → value; 4xx → FlinkApiError; 5xx, connection failure, timeout → FlinkTransportError.
 */
export async function callFlink<T>(target: HttpTarget, call: HttpCall): Promise<T> {
  const url = urlOf(target, call);
  const info: FlinkRequestInfo = { method: call.method, url };
  const timeout = AbortSignal.timeout(call.timeoutMs);
  const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
  const form = isFormData(call.body);
  const jsonBody = call.body === undefined || form ? undefined : JSON.stringify(call.body);

  let status: number;
  let text: string;
  try {
    const res = await request(url, {
      method: call.method,
      dispatcher: target.dispatcher,
      signal,
      headers:
        jsonBody !== undefined
          ? { 'content-type': 'application/json', accept: 'application/json' }
          : { accept: 'application/json' },
      body: form ? (call.body as FormData) : jsonBody,
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    throw transportError({
      err,
      info,
      timeoutMs: call.timeoutMs,
      timedOut: timeout.aborted,
      callerAborted: call.signal?.aborted === true,
    });
  }

  if (status >= 500) {
    const first = flinkErrorSummary(flinkErrorsOf(text));
    throw new FlinkTransportError({
      code: FlinkErrorCode.ServerError,
      status,
      request: info,
      message: `${call.method} ${url}: Flink answered ${status}${first ? `: ${first}` : ''}`,
    });
  }
  if (status >= 400) {
    throw new FlinkApiError({ code: apiErrorCode(status), status, flinkErrors: flinkErrorsOf(text), request: info });
  }
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new FlinkTransportError({
      code: FlinkErrorCode.BadResponse,
      status,
      request: info,
      cause: err,
      message: `${call.method} ${url}: answer is not JSON: ${text.slice(0, 200)}`,
    });
  }
}
