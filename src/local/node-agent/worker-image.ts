/**
 * The flink-deploy worker image, as this node "pulls" it: `[registry/…/]flink-deploy-worker:<tag>` (the
 * repository's Dockerfile) maps to a local install of the packed flink-deploy tarball,
 * `<images dir>/flink-deploy-worker/<tag>` (`npm install -g --prefix` of it; made by
 * scripts/stack/install-worker-image.sh), run as the image's ENTRYPOINT `flink-deploy` with CMD `worker`.
 * Flink images are image-store.ts's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { imagePullError } from './errors';

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

/** The worker image a container runs. */
export interface WorkerImageRef {
  image: string;
  /** A stable id shown as containerStatuses[].imageID. */
  imageId: string;
  worker: WorkerImage;
}

/** The folder a worker image tag is installed in. */
export function workerImageDir(imagesDir: string, tag: string): string {
  return path.join(imagesDir, WORKER_IMAGE_NAME, tag);
}

function workerImageAt(image: string, tag: string, imagesDir: string | undefined): WorkerImageRef {
  const prefix = workerImageDir(imagesDir ?? '(no images dir)', tag);
  const entrypoint = path.join(prefix, 'bin', 'flink-deploy');
  if (!imagesDir || !fs.existsSync(entrypoint)) {
    const installed = imagesDir ? safeList(path.join(imagesDir, WORKER_IMAGE_NAME)) : [];
    throw imagePullError(
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

/** The worker image `image` names, as installed here; undefined when `image` is not the worker image. */
export function resolveWorkerImage(
  image: string | undefined,
  imagesDir: string | undefined,
): WorkerImageRef | undefined {
  const match = WORKER_IMAGE.exec(image ?? '');
  return match ? workerImageAt(image as string, match[1] as string, imagesDir) : undefined;
}
