import * as k8s from '@kubernetes/client-node';
import { causeChain, errorCode } from '../../contract/errors';
import { KubeErrorCode, KubeErrorKind } from './codes';
import { KubeApiError, type KubeRequest } from './kube-api-error';

/** The parts of a Kubernetes `Status` answer we use. */
interface StatusBody {
  message?: string;
  reason?: string;
}

const transportCauseCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const timeoutCauseCodes = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Parse the body of an ApiException: client-node gives the Status as a JSON string or object. */
function statusBody(body: unknown): StatusBody {
  let value: unknown = body;
  for (let i = 0; i < 2 && typeof value === 'string'; i++) {
    try {
      value = JSON.parse(value);
    } catch {
      return { message: value as string };
    }
  }
  if (typeof value !== 'object' || value === null) return {};
  const { message, reason } = value as Record<string, unknown>;
  return {
    message: typeof message === 'string' ? message : undefined,
    reason: typeof reason === 'string' ? reason : undefined,
  };
}

function describe(request: KubeRequest): string {
  const target = request.name ? `${request.resource}/${request.name}` : request.resource;
  return `${request.verb} ${target}${request.namespace ? ` in namespace ${request.namespace}` : ''}`;
}

function codeForStatus(status: number, reason: string | undefined): { code: KubeErrorCode; kind: KubeErrorKind } {
  const domain = (code: KubeErrorCode) => ({ code, kind: KubeErrorKind.Domain });
  const transport = (code: KubeErrorCode) => ({ code, kind: KubeErrorKind.Transport });
  if (status === 429) return transport(KubeErrorCode.Throttled);
  if (status === 504 || reason === 'Timeout') return transport(KubeErrorCode.Timeout);
  if (status >= 500) return transport(KubeErrorCode.ServerError);
  switch (status) {
    case 400:
      return domain(KubeErrorCode.BadRequest);
    case 401:
      return domain(KubeErrorCode.Unauthorized);
    case 403:
      return domain(KubeErrorCode.Forbidden);
    case 404:
      return domain(KubeErrorCode.NotFound);
    case 409:
      return domain(reason === 'AlreadyExists' ? KubeErrorCode.AlreadyExists : KubeErrorCode.Conflict);
    case 410:
      return domain(KubeErrorCode.Gone);
    case 422:
      return domain(KubeErrorCode.Invalid);
    default:
      return domain(KubeErrorCode.Unexpected);
  }
}

function causeCode(err: unknown): string | undefined {
  return causeChain(err)
    .map(errorCode)
    .find((code) => code !== undefined);
}

/**
 * Turn whatever a client-node call threw into a {@link KubeApiError}. HTTP answers are
 * classified by status; network failures (fetch failed, refused, reset, TLS) are transport
 * errors; an abort is `K8S_ABORTED`. A {@link KubeApiError} passes through unchanged.
 */
export function classifyKubeError(err: unknown, request: KubeRequest): KubeApiError {
  if (err instanceof KubeApiError) return err;
  if (err instanceof k8s.ApiException) {
    const status = err.code;
    const body = statusBody(err.body);
    const classified = codeForStatus(status, body.reason);
    const { code } = classified;
    const kind = code === KubeErrorCode.Conflict && request.idempotent ? KubeErrorKind.Transport : classified.kind;
    return new KubeApiError({
      code,
      kind,
      request,
      status,
      reason: body.reason,
      cause: err,
      message: `could not ${describe(request)}: ${status} ${body.reason ?? ''} ${body.message ?? ''}`
        .replace(/\s+/g, ' ')
        .trim(),
    });
  }
  const name = (err as { name?: unknown } | null)?.name;
  const cause = causeCode(err);
  if (name === 'AbortError' && cause === undefined) {
    return new KubeApiError({
      code: KubeErrorCode.Aborted,
      kind: KubeErrorKind.Transport,
      request,
      cause: err,
      message: `${describe(request)} was aborted`,
    });
  }
  if (name === 'TimeoutError' || (cause !== undefined && timeoutCauseCodes.has(cause))) {
    return new KubeApiError({
      code: KubeErrorCode.Timeout,
      kind: KubeErrorKind.Transport,
      request,
      cause: err,
      message: `${describe(request)} timed out (${cause ?? name})`,
    });
  }
  const fetchFailed = err instanceof TypeError && /fetch failed/i.test(err.message);
  if (fetchFailed || (cause !== undefined && transportCauseCodes.has(cause))) {
    const text = err instanceof Error ? err.message : String(err);
    return new KubeApiError({
      code: KubeErrorCode.Unreachable,
      kind: KubeErrorKind.Transport,
      request,
      cause: err,
      message:
        `could not reach the Kubernetes API server to ${describe(request)}: ` + `${text}${cause ? ` (${cause})` : ''}`,
    });
  }
  const text = err instanceof Error ? err.message : String(err);
  return new KubeApiError({
    code: KubeErrorCode.Unexpected,
    kind: KubeErrorKind.Domain,
    request,
    cause: err,
    message: `${describe(request)} failed: ${text}`,
  });
}

/**
 * Run one API call and throw a classified {@link KubeApiError} if it fails.
 * @returns the call's result.
 */
export async function kubeCall<T>(request: KubeRequest, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw classifyKubeError(err, request);
  }
}

/**
 * Like {@link kubeCall}, but a 404 resolves to `undefined` (reads of things that may not exist,
 * deletes that ignore "already gone").
 */
export async function kubeCallOr404<T>(request: KubeRequest, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    const classified = classifyKubeError(err, request);
    if (classified.code === KubeErrorCode.NotFound) return undefined;
    throw classified;
  }
}
