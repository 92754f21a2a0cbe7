/**
 * Images, as this node "pulls" them:
 * - `flink:<major>.<minor>[.<patch>][-suffix]` (also `docker.io/library/flink:…` and `apache/flink:…`) maps to the
 *   Flink distribution installed on this node when the major.minor matches;
 * - `[registry/…/]flink-deploy-worker:<tag>` (the repository's Dockerfile) maps to a local install of the packed
 *   flink-deploy tarball, `<images dir>/flink-deploy-worker/<tag>` (`npm install -g --prefix` of it; made by
 *   scripts/stack/install-worker-image.sh), run as the image's ENTRYPOINT `flink-deploy` with CMD `worker`.
 * Any other image is refused with the reason a kubelet shows for an image it cannot pull.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AgentErrorCode, LaunchError } from './errors';

const FLINK_IMAGE =
  /^(?:(?:docker\.io\/)?library\/|(?:docker\.io\/)?apache\/)?flink:(\d+)\.(\d+)(?:\.(\d+))?(?:-[A-Za-z0-9._-]+)?(?:@sha256:[a-f0-9]+)?$/;
const WORKER_IMAGE =
  /^(?:[A-Za-z0-9._-]+(?::\d+)?\/)*flink-deploy-worker:([A-Za-z0-9][A-Za-z0-9._-]*)(?:@sha256:[a-f0-9]+)?$/;

/** The image name of the flink-deploy worker (the repository's Dockerfile), without registry or tag. */
export const WORKER_IMAGE_NAME = 'flink-deploy-worker';

/** The worker image as installed on this node. */
export interface WorkerImage {
  /** The `npm install -g --prefix` folder: `bin/flink-deploy` is the image's ENTRYPOINT. */
  prefix: string;
  /** The image's ENTRYPOINT and CMD, as in the Dockerfile. */
  entrypoint: string[];
  cmd: string[];
}

/** The image a container may run, as this node sees it. */
export interface ResolvedImage {
  image: string;
  /** A stable id shown as containerStatuses[].imageID. */
  imageId: string;
  /** Set for the worker image; unset: the Flink distribution. */
  worker?: WorkerImage;
}

function pullError(message: string): LaunchError {
  return new LaunchError({ code: AgentErrorCode.ImageNotAvailable, reason: 'ErrImagePull', message, retryable: true });
}

/** The folder a worker image tag is installed in. */
export function workerImageDir(imagesDir: string, tag: string): string {
  return path.join(imagesDir, WORKER_IMAGE_NAME, tag);
}

function resolveWorkerImage(image: string, tag: string, imagesDir: string | undefined): ResolvedImage {
  const prefix = workerImageDir(imagesDir ?? '(no images dir)', tag);
  const entrypoint = path.join(prefix, 'bin', 'flink-deploy');
  if (!imagesDir || !fs.existsSync(entrypoint)) {
    const installed = imagesDir ? safeList(path.join(imagesDir, WORKER_IMAGE_NAME)) : [];
    throw pullError(
      `image ${image} is not available on this node (no ${entrypoint}; installed tags: ` +
        `${installed.join(', ') || 'none'}): bash scripts/stack/install-worker-image.sh installs this checkout's ` +
        'packed tarball under its package version',
    );
  }
  return {
    image,
    imageId: `npm-pack://flink-deploy@${tag}`,
    worker: { prefix, entrypoint: [entrypoint], cmd: ['worker'] },
  };
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((tag) => fs.existsSync(path.join(dir, tag, 'bin', 'flink-deploy')));
  } catch {
    return [];
  }
}

/**
 * Checks that `image` can run here; throws a LaunchError with reason ErrImagePull otherwise.
 * `installedVersion` is the node's Flink version, e.g. `2.3.0`; `imagesDir` holds the worker image's installs.
 */
export function resolveImage(input: {
  image: string | undefined;
  installedVersion: string;
  imagesDir?: string;
}): ResolvedImage {
  const image = input.image ?? '';
  const worker = WORKER_IMAGE.exec(image);
  if (worker) return resolveWorkerImage(image, worker[1] as string, input.imagesDir);
  const [major, minor] = input.installedVersion.split('.');
  const match = FLINK_IMAGE.exec(image);
  if (!match || match[1] !== major || match[2] !== minor) {
    throw pullError(
      `image ${image || '(none)'} is not available on this node (have Flink ${input.installedVersion}: ` +
        `images flink:${major}.${minor}[.x][-suffix], and ${WORKER_IMAGE_NAME}:<installed tag>)`,
    );
  }
  return { image, imageId: `flink-home://flink@${input.installedVersion}` };
}
