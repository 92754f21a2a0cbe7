/**
 * The node's "image pulls": `flink:<major>.<minor>[.<patch>][-suffix]` (also
 * `docker.io/library/flink:…`, `apache/flink:…`) runs on the distribution the stack installed
 * when major.minor matches it; any other Flink version is installed from PyPI (`apache-flink` +
 * `apache-flink-libraries`, --no-deps, the JVM distribution only) into the image cache on first
 * use, as a kubelet pulls an image it does not have. `flink:1.20` takes the newest 1.20.x on
 * PyPI, `flink:1.20.3` exactly that. A version PyPI does not have, or an image that is not
 * Flink's, fails with ErrImagePull (the runner backs off: ImagePullBackOff). One install per
 * version at a time; a finished one is renamed into place, so a half-installed folder is never used.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { imagePullError } from './errors';

const FLINK_IMAGE =
  /^(?:(?:docker\.io\/)?library\/|(?:docker\.io\/)?apache\/)?flink:(\d+)\.(\d+)(?:\.(\d+))?(?:-[A-Za-z0-9._-]+)?(?:@sha256:[a-f0-9]+)?$/;

/** The Flink version an image asks for; undefined for an image that is not Flink's. */
export interface ImageVersion {
  major: number;
  minor: number;
  patch?: number;
}

/** Parses a Flink image reference; undefined when it is not one. */
export function parseFlinkImage(image: string): ImageVersion | undefined {
  const m = FLINK_IMAGE.exec(image);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: m[3] === undefined ? undefined : Number(m[3]) };
}

/** An image this node can run: the distribution behind it. */
export interface PulledImage {
  image: string;
  /** containerStatuses[].imageID, e.g. `flink-home://flink@1.20.5`. */
  imageId: string;
  /** FLINK_HOME of that version on this node. */
  distribution: string;
  /** The distribution's version, e.g. `1.20.5`. */
  version: string;
}

/** Installs one Flink version into a folder (`<target>/pyflink` becomes its FLINK_HOME). */
export type FlinkInstaller = (input: { requirement: string; target: string }) => Promise<void>;

/** The Flink version of a distribution, from its flink-dist jar's name. */
export function distributionVersion(flinkHome: string): string {
  const dist = fs.readdirSync(path.join(flinkHome, 'lib')).find((f) => /^flink-dist[-_].*\.jar$/.test(f));
  const match = dist ? /^flink-dist(?:_[\d.]+)?-(\d+\.\d+\.\d+)/.exec(dist) : undefined;
  if (!match?.[1]) throw new Error(`no flink-dist jar in ${flinkHome}/lib`);
  return match[1];
}

export class ImageStore {
  private readonly pulls = new Map<string, Promise<string>>();

  constructor(
    private readonly input: {
      /** The distribution the stack installed, and its version. */
      defaultHome: string;
      defaultVersion: string;
      /** Where other versions are installed (`<cacheDir>/flink-<tag>/pyflink`). */
      cacheDir: string;
      /** Absent: only the default version runs (images of other versions fail with ErrImagePull). */
      installer?: FlinkInstaller;
    },
  ) {}

  /** The distribution for `image`, installed first if needed; throws LaunchError ErrImagePull. */
  async pull(imageRef: string | undefined): Promise<PulledImage> {
    const image = imageRef ?? '';
    const wanted = parseFlinkImage(image);
    const [major, minor] = this.input.defaultVersion.split('.').map(Number);
    if (!wanted)
      throw imagePullError(
        `image ${image || '(none)'} is not available on this node: only Flink images run here ` +
          `(flink:<major>.<minor>[.<patch>][-suffix]; Flink ${this.input.defaultVersion} is installed, ` +
          'other versions are installed from PyPI on first use)',
      );
    if (wanted.major === major && wanted.minor === minor) return this.image(image, this.input.defaultHome);
    const tag = `${wanted.major}.${wanted.minor}${wanted.patch === undefined ? '' : `.${wanted.patch}`}`;
    const home = await this.installed(tag, image);
    return this.image(image, home);
  }

  private image(image: string, distribution: string): PulledImage {
    const version =
      distribution === this.input.defaultHome ? this.input.defaultVersion : distributionVersion(distribution);
    return { image, imageId: `flink-home://flink@${version}`, distribution, version };
  }

  /** FLINK_HOME of version `tag` in the cache, installing it once. */
  private installed(tag: string, image: string): Promise<string> {
    const dir = path.join(this.input.cacheDir, `flink-${tag}`);
    const home = path.join(dir, 'pyflink');
    if (fs.existsSync(path.join(home, 'bin', 'jobmanager.sh'))) return Promise.resolve(home);
    const installer = this.input.installer;
    if (!installer)
      return Promise.reject(
        imagePullError(
          `image ${image} is not available on this node (have Flink ${this.input.defaultVersion}; no installer)`,
        ),
      );
    let pull = this.pulls.get(tag);
    if (!pull) {
      pull = (async () => {
        const partial = `${dir}.partial-${process.pid}-${Date.now()}`;
        fs.mkdirSync(this.input.cacheDir, { recursive: true });
        const requirement = tag.split('.').length === 3 ? tag : `${tag}.*`;
        try {
          await installer({ requirement, target: partial });
          if (!fs.existsSync(path.join(partial, 'pyflink', 'bin', 'jobmanager.sh')))
            throw new Error(`the install of apache-flink==${requirement} has no pyflink/bin/jobmanager.sh`);
          try {
            fs.renameSync(partial, dir);
          } catch (err) {
            // Another process (a test, a second agent) finished the same install first.
            if (!fs.existsSync(path.join(home, 'bin', 'jobmanager.sh'))) throw err;
            fs.rmSync(partial, { recursive: true, force: true });
          }
          return home;
        } catch (err) {
          fs.rmSync(partial, { recursive: true, force: true });
          throw imagePullError(
            `image ${image}: Flink ${requirement} could not be installed from PyPI: ${(err as Error).message}`,
          );
        } finally {
          this.pulls.delete(tag);
        }
      })();
      this.pulls.set(tag, pull);
    }
    return pull;
  }
}

/**
 * The installer the agent uses: `pip install --no-deps --target <target> apache-flink==<v>
 * apache-flink-libraries==<v>` with the given pip (the stack's venv's), bounded by `timeoutMs`.
 */
export function pipInstaller(pip: string, timeoutMs = 20 * 60_000): FlinkInstaller {
  return ({ requirement, target }) =>
    new Promise((resolve, reject) => {
      const child = spawn(
        pip,
        [
          'install',
          '-q',
          '--disable-pip-version-check',
          '--no-deps',
          '--target',
          target,
          `apache-flink==${requirement}`,
          `apache-flink-libraries==${requirement}`,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4000));
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`${pip}: ${err.message}`));
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else {
          const reason = /ERROR: (.*)/.exec(output)?.[1] ?? output.trim().split('\n').at(-1) ?? '';
          reject(
            new Error(signal ? `pip stopped after ${timeoutMs / 1000} s (${signal})` : `pip exit ${code}: ${reason}`),
          );
        }
      });
    });
}
