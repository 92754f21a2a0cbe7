/**
 * Errors of the node agent. Each carries a stable `code`; launch errors also carry the waiting
 * reason a kubelet would show for the container (`ErrImagePull`, `ContainerCreating`, ...).
 */

/** Stable codes of node-agent errors. */
export const AgentErrorCode = {
  ImageNotAvailable: 'IMAGE_NOT_AVAILABLE',
  VolumeNotReady: 'VOLUME_NOT_READY',
  ServiceNotResolvable: 'SERVICE_NOT_RESOLVABLE',
  InvalidContainerConfig: 'INVALID_CONTAINER_CONFIG',
  IpRangeExhausted: 'IP_RANGE_EXHAUSTED',
} as const;
export type AgentErrorCode = (typeof AgentErrorCode)[keyof typeof AgentErrorCode];

/** An error of the node agent with a stable code. */
export class AgentError extends Error {
  constructor(
    readonly code: AgentErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AgentError';
  }
}

/**
 * A container could not be started (yet). `reason` is the container's waiting reason;
 * `retryable` says whether a later attempt may succeed without a change of the pod.
 */
export class LaunchError extends AgentError {
  constructor(input: { code: AgentErrorCode; reason: string; message: string; retryable: boolean }) {
    super(input.code, input.message);
    this.name = 'LaunchError';
    this.reason = input.reason;
    this.retryable = input.retryable;
  }
  readonly reason: string;
  readonly retryable: boolean;
}

/** An image this node cannot "pull" (ErrImagePull, then ImagePullBackOff; retried with back-off). */
export function imagePullError(message: string): LaunchError {
  return new LaunchError({ code: AgentErrorCode.ImageNotAvailable, reason: 'ErrImagePull', message, retryable: true });
}
