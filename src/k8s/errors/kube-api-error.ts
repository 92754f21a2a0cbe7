import { hasErrorCode } from '../../contract/errors';
import { KubeErrorKind, type KubeErrorCode } from './codes';

/** What we were asking the API server when it failed. */
export interface KubeRequest {
  /** Kubernetes verb: get, list, create, update, patch, delete, watch. */
  verb: string;
  /** Plural resource, e.g. `deployments`, `configmaps`. */
  resource: string;
  namespace?: string;
  name?: string;
  /**
   * Sent again, the same request does the same (a delete without preconditions, a forced server-side apply): a
   * 409 to it is the API server's own passing conflict, not a refusal, so it is retried as a transport error.
   */
  idempotent?: boolean;
}

/** Fields of {@link KubeApiError}. */
export interface KubeApiErrorInit {
  code: KubeErrorCode;
  kind: KubeErrorKind;
  request: KubeRequest;
  message: string;
  /** HTTP status, when the server answered. */
  status?: number;
  /** `Status.reason` of the server's answer (`NotFound`, `AlreadyExists`, `Forbidden`...). */
  reason?: string;
  cause?: unknown;
}

/**
 * An error of a Kubernetes API call, classified. `kind` tells transport from domain;
 * `retryable` is true for transport errors only.
 */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  readonly code: KubeErrorCode;
  readonly kind: KubeErrorKind;
  readonly retryable: boolean;
  readonly request: KubeRequest;
  readonly status: number | undefined;
  readonly reason: string | undefined;

  constructor(init: KubeApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.kind = init.kind;
    this.retryable = init.kind === KubeErrorKind.Transport;
    this.request = init.request;
    this.status = init.status;
    this.reason = init.reason;
  }
}

/** True when `err` is a {@link KubeApiError} with this code (works on plain objects with `code`). */
export function hasKubeErrorCode(err: unknown, code: KubeErrorCode): boolean {
  return hasErrorCode(err, code);
}
