/**
 * A container of the flink-deploy worker image (image.ts) → a local process: the image's ENTRYPOINT
 * (`<install>/bin/flink-deploy`) with its CMD (`worker`), or the container's own `command`/`args` as Kubernetes
 * applies them over an image's. Node 22 (the agent's own) is first on PATH, as in the image.
 */
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { commandLineOverImage } from './command-line';
import type { WorkerImage } from './worker-image';

/** The command line of a worker-image container. */
export function workerCommandLine(input: { container: k8s.V1Container; image: WorkerImage }): string[] {
  return commandLineOverImage({ container: input.container, entrypoint: input.image.entrypoint, cmd: input.image.cmd });
}

/** PATH of a worker-image container: the install's bin, then the Node the agent runs on, then the agent's PATH. */
export function workerPath(image: WorkerImage, agentPath: string | undefined): string {
  return [path.join(image.prefix, 'bin'), path.dirname(process.execPath), agentPath ?? '/usr/local/bin:/usr/bin:/bin']
    .filter((entry) => entry !== '')
    .join(':');
}
