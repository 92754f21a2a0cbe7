/**
 * Stable codes of every error the Kubernetes facade throws. Activities map them to Temporal
 * `ApplicationFailure` types by `code`, never by `instanceof`.
 */
export const KubeErrorCode = {
  /** Connection refused/reset, DNS, TLS: the API server could not be asked. */
  Unreachable: 'K8S_UNREACHABLE',
  /** The request timed out or was aborted by a timeout. */
  Timeout: 'K8S_TIMEOUT',
  /** The caller's AbortSignal fired (cancellation). */
  Aborted: 'K8S_ABORTED',
  /** 5xx from the API server. */
  ServerError: 'K8S_SERVER_ERROR',
  /** 429 Too Many Requests (API priority and fairness). */
  Throttled: 'K8S_THROTTLED',
  /** 401: the credentials are not accepted. */
  Unauthorized: 'K8S_UNAUTHORIZED',
  /** 403: RBAC refuses the verb on the resource. */
  Forbidden: 'K8S_FORBIDDEN',
  /** 404 */
  NotFound: 'K8S_NOT_FOUND',
  /** 409 on create: the object exists. */
  AlreadyExists: 'K8S_ALREADY_EXISTS',
  /** 409 otherwise: a resourceVersion precondition failed (optimistic concurrency). */
  Conflict: 'K8S_CONFLICT',
  /** 422: the object is invalid. */
  Invalid: 'K8S_INVALID',
  /** 400 */
  BadRequest: 'K8S_BAD_REQUEST',
  /** 410: a list/watch resourceVersion expired. */
  Gone: 'K8S_GONE',
  /** Any other HTTP status. */
  Unexpected: 'K8S_UNEXPECTED',
  /** The kubeconfig could not be loaded or names an unknown context. */
  ConfigInvalid: 'K8S_CONFIG_INVALID',
} as const;
export type KubeErrorCode = (typeof KubeErrorCode)[keyof typeof KubeErrorCode];

/**
 * "Could not ask" (transport: retry may help) or "the answer is no" (domain: retrying the same
 * request gives the same answer).
 */
export const KubeErrorKind = { Transport: 'transport', Domain: 'domain' } as const;
export type KubeErrorKind = (typeof KubeErrorKind)[keyof typeof KubeErrorKind];
