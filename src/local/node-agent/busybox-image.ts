/**
 * The busybox image, as this node "pulls" it: `[docker.io/][library/]busybox[:tag]` maps to Debian's busybox-static
 * installed by scripts/stack/fetch-busybox.sh at `<images dir>/busybox/<version>/bin` (the binary and a link per
 * applet, as the image has them in /bin). A tag names a version (`1`, `1.35`, `1.35.0`, with an optional
 * `-glibc`/`-musl`/`-uclibc` build) that must be the installed one's; no tag, `latest`, `stable` or a bare build name
 * take the installed version. Any other: ErrImagePull naming what is there.
 *
 * The image has no ENTRYPOINT and CMD `sh`; its PATH holds only the applets. The process starts through the image's
 * own `env` applet, which sets that PATH and execs the command (so `wget` or `/bin/sh` are busybox's, while the
 * node's wrappers around the process keep the node's PATH).
 */
import fs from 'node:fs';
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { imagePullError } from './errors';
import { commandLineOverImage } from './command-line';

const BUSYBOX_IMAGE =
  /^(?:(?:docker\.io\/)?library\/)?busybox(?::([A-Za-z0-9][A-Za-z0-9._-]*))?(?:@sha256:[a-f0-9]+)?$/;
const BUILDS = new Set(['glibc', 'musl', 'uclibc']);

/** The busybox image as installed on this node. */
export interface BusyboxImage {
  image: string;
  /** containerStatuses[].imageID, e.g. `debian://busybox-static@1.35.0`. */
  imageId: string;
  /** The folder of the binary and its applet links: the image's PATH. */
  bin: string;
}

function installedVersions(imagesDir: string | undefined): string[] {
  if (!imagesDir) return [];
  try {
    return fs
      .readdirSync(path.join(imagesDir, 'busybox'))
      .filter((v) => fs.existsSync(path.join(imagesDir, 'busybox', v, '.fd-installed')))
      .sort();
  } catch {
    return [];
  }
}

/** True when `tag` asks for `version`: no version in it, or the version's leading parts. */
function tagMatches(tag: string | undefined, version: string): boolean {
  if (tag === undefined || tag === 'latest' || tag === 'stable' || BUILDS.has(tag)) return true;
  const dash = tag.indexOf('-');
  const wanted = dash < 0 ? tag : tag.slice(0, dash);
  if (dash >= 0 && !BUILDS.has(tag.slice(dash + 1))) return false;
  if (!/^\d+(\.\d+){0,2}$/.test(wanted)) return false;
  const have = version.split('.');
  return wanted.split('.').every((part, i) => Number(part) === Number(have[i]));
}

/** The busybox image `image` names, as installed here; undefined when `image` is not busybox. */
export function resolveBusyboxImage(
  image: string | undefined,
  imagesDir: string | undefined,
): BusyboxImage | undefined {
  const match = BUSYBOX_IMAGE.exec(image ?? '');
  if (!match) return undefined;
  const installed = installedVersions(imagesDir);
  const version = installed.find((v) => tagMatches(match[1], v));
  if (!version || !imagesDir)
    throw imagePullError(
      `image ${image} is not available on this node (busybox installed: ${installed.join(', ') || 'none'}): ` +
        'bash scripts/stack/fetch-busybox.sh installs Debian’s busybox-static',
    );
  return {
    image: image as string,
    imageId: `debian://busybox-static@${version}`,
    bin: path.join(imagesDir, 'busybox', version, 'bin'),
  };
}

/** Where the image has its applets: `/bin/wget` in the image is `<bin>/wget` here. */
const IMAGE_BIN_DIRS = ['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'];

/**
 * The command line of a busybox container: `command` (over the image's empty ENTRYPOINT) and `args` (over its CMD
 * `sh`), started through the image's `env` with the image's PATH; an applet named by its path in the image (`/bin/sh`)
 * is the installed one.
 */
export function busyboxCommandLine(input: { container: k8s.V1Container; image: BusyboxImage }): string[] {
  const { container, image } = input;
  const [first, ...rest] = commandLineOverImage({ container, entrypoint: [], cmd: ['sh'] }) as [string, ...string[]];
  const applet = IMAGE_BIN_DIRS.includes(path.posix.dirname(first)) ? path.posix.basename(first) : undefined;
  const command = applet && fs.existsSync(path.join(image.bin, applet)) ? path.join(image.bin, applet) : first;
  return [path.join(image.bin, 'env'), `PATH=${image.bin}`, command, ...rest];
}
