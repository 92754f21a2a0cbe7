/**
 * Images: `flink:<major>.<minor>[.<patch>][-suffix]` (also `docker.io/library/flink:…` and
 * `apache/flink:…`) maps to the Flink distribution installed on this node when the
 * major.minor matches. Any other image is refused with the reason a kubelet shows for an
 * image it cannot pull.
 */
import { AgentErrorCode, LaunchError } from './errors';

const FLINK_IMAGE =
  /^(?:(?:docker\.io\/)?library\/|(?:docker\.io\/)?apache\/)?flink:(\d+)\.(\d+)(?:\.(\d+))?(?:-[A-Za-z0-9._-]+)?(?:@sha256:[a-f0-9]+)?$/;

/** The image a container may run, as this node sees it. */
export interface ResolvedImage {
  image: string;
  /** A stable id shown as containerStatuses[].imageID. */
  imageId: string;
}

/**
 * Checks that `image` can run here; throws a LaunchError with reason ErrImagePull otherwise.
 * `installedVersion` is the node's Flink version, e.g. `2.3.0`.
 */
export function resolveImage(input: { image: string | undefined; installedVersion: string }): ResolvedImage {
  const image = input.image ?? '';
  const [major, minor] = input.installedVersion.split('.');
  const match = FLINK_IMAGE.exec(image);
  if (!match || match[1] !== major || match[2] !== minor) {
    throw new LaunchError({
      code: AgentErrorCode.ImageNotAvailable,
      reason: 'ErrImagePull',
      message:
        `image ${image || '(none)'} is not available on this node (have Flink ${input.installedVersion}: ` +
        `images flink:${major}.${minor}[.x][-suffix])`,
      retryable: true,
    });
  }
  return { image, imageId: `flink-home://flink@${input.installedVersion}` };
}
