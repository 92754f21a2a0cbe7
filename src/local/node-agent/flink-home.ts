/**
 * A container's `/opt/flink`: a folder per container that links to the node's Flink
 * distribution (bin, lib, opt, plugins, ...), with its own `conf` (the distribution's
 * defaults, then the files of a volume mounted at /opt/flink/conf), `usrlib` (the test jobs'
 * jars), `log`, and `examples/streaming` (the test jobs' jars too, so manifests written for
 * the official image's examples run). `plugins` links to the distribution's, unless the container
 * names built-in plugins in `ENABLE_BUILT_IN_PLUGINS`: then, as the official image's
 * docker-entrypoint.sh does, each `opt/<name>.jar` is linked into its own `plugins/<name>/`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AgentErrorCode, LaunchError } from './errors';

/** Container path of the Flink distribution in the official image. */
export const IMAGE_FLINK_HOME = '/opt/flink';

/** A mount as the container sees it. */
export interface ContainerMount {
  mountPath: string;
  /** The host file or folder behind it. */
  hostPath: string;
  /** A hostPath, persistentVolumeClaim or emptyDir volume: bound at its path where it can be (mount-namespace.ts). */
  data?: boolean;
}

/** The folders of a built container Flink home. */
export interface ContainerFlinkHome {
  home: string;
  confDir: string;
  usrlibDir: string;
  logDir: string;
}

const OWN_ENTRIES = new Set(['conf', 'usrlib', 'log', 'examples']);
/** Folders the start scripts list with `find` (which does not enter a linked folder): linked file by file. */
const LINKED_BY_FILE = new Set(['lib', 'opt']);

/**
 * (Re)builds the container's Flink home at `home`. `usrlibJars` are file names in `jobsDir`
 * to put into usrlib; when empty, every jar of `jobsDir` goes there.
 */
export function buildContainerFlinkHome(input: {
  home: string;
  distribution: string;
  jobsDir: string;
  mounts: readonly ContainerMount[];
  usrlibJars: readonly string[];
  /** Jar names under the distribution's `opt/` to enable as plugins (`ENABLE_BUILT_IN_PLUGINS`). */
  builtInPlugins?: readonly string[];
}): ContainerFlinkHome {
  const { home, distribution } = input;
  const plugins = input.builtInPlugins ?? [];
  for (const jar of plugins) {
    if (!fs.existsSync(path.join(distribution, 'opt', jar))) {
      const available = fs.existsSync(path.join(distribution, 'opt'))
        ? fs.readdirSync(path.join(distribution, 'opt')).filter((f) => f.endsWith('.jar'))
        : [];
      throw new LaunchError({
        code: AgentErrorCode.InvalidContainerConfig,
        reason: 'CreateContainerConfigError',
        message:
          `ENABLE_BUILT_IN_PLUGINS names ${jar}, which is not in /opt/flink/opt of this node's Flink ` +
          `(${available.join(', ') || 'none'}); scripts/setup.sh fetches flink-s3-fs-presto`,
        retryable: false,
      });
    }
  }
  fs.rmSync(home, { recursive: true, force: true });
  fs.mkdirSync(home, { recursive: true });
  for (const entry of fs.readdirSync(distribution)) {
    if (OWN_ENTRIES.has(entry)) continue;
    // With plugins to enable, plugins/ is a folder of our own (the distribution's linked one by one).
    if (LINKED_BY_FILE.has(entry) || (entry === 'plugins' && plugins.length > 0))
      linkEachFile(path.join(distribution, entry), path.join(home, entry));
    else fs.symlinkSync(path.join(distribution, entry), path.join(home, entry));
  }
  for (const jar of plugins) {
    const dir = path.join(home, 'plugins', jar.replace(/\.jar$/, ''));
    fs.mkdirSync(dir, { recursive: true });
    fs.symlinkSync(path.join(distribution, 'opt', jar), path.join(dir, jar));
  }
  const mountAt = (sub: string) =>
    input.mounts.find((m) => m.mountPath.replace(/\/+$/, '') === `${IMAGE_FLINK_HOME}/${sub}`);

  const confDir = path.join(home, 'conf');
  fs.cpSync(path.join(distribution, 'conf'), confDir, { recursive: true, dereference: true });
  const confMount = mountAt('conf');
  if (confMount) copyFiles(confMount.hostPath, confDir);
  for (const m of input.mounts) {
    const parent = path.posix.dirname(m.mountPath);
    if (parent === `${IMAGE_FLINK_HOME}/conf` && fs.statSync(m.hostPath).isFile()) {
      fs.copyFileSync(m.hostPath, path.join(confDir, path.posix.basename(m.mountPath)));
    }
  }

  const jars = jobJars(input.jobsDir);
  const usrlibDir = path.join(home, 'usrlib');
  const usrlibMount = mountAt('usrlib');
  if (usrlibMount) fs.symlinkSync(usrlibMount.hostPath, usrlibDir);
  else
    linkJars({ dir: usrlibDir, jobsDir: input.jobsDir, jars: input.usrlibJars.length > 0 ? input.usrlibJars : jars });

  const logDir = path.join(home, 'log');
  const logMount = mountAt('log');
  if (logMount) fs.symlinkSync(logMount.hostPath, logDir);
  else fs.mkdirSync(logDir);

  const examples = path.join(home, 'examples');
  fs.mkdirSync(examples);
  const distExamples = path.join(distribution, 'examples');
  if (fs.existsSync(distExamples)) {
    for (const entry of fs.readdirSync(distExamples)) {
      if (entry !== 'streaming') fs.symlinkSync(path.join(distExamples, entry), path.join(examples, entry));
    }
  }
  linkJars({ dir: path.join(examples, 'streaming'), jobsDir: input.jobsDir, jars });
  return { home, confDir, usrlibDir, logDir };
}

/** The jar file names in the jobs folder. */
export function jobJars(jobsDir: string): string[] {
  if (!fs.existsSync(jobsDir)) return [];
  return fs
    .readdirSync(jobsDir)
    .filter((f) => f.endsWith('.jar'))
    .sort();
}

/** The jar names of `ENABLE_BUILT_IN_PLUGINS` (`;`-separated, as the official image reads it). */
export function builtInPluginsOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** Jar names a container refers to as `/opt/flink/usrlib/<name>.jar` in any of `values`. */
export function referencedUsrlibJars(values: readonly string[]): string[] {
  const names = new Set<string>();
  const pattern = new RegExp(`${IMAGE_FLINK_HOME}/usrlib/([^/\\s,;"']+\\.jar)`, 'g');
  for (const value of values) for (const match of value.matchAll(pattern)) names.add(match[1] as string);
  return [...names].sort();
}

function linkJars(input: { dir: string; jobsDir: string; jars: readonly string[] }): void {
  fs.mkdirSync(input.dir, { recursive: true });
  for (const jar of input.jars) fs.symlinkSync(path.join(input.jobsDir, jar), path.join(input.dir, jar));
}

function linkEachFile(from: string, to: string): void {
  fs.mkdirSync(to);
  for (const entry of fs.readdirSync(from)) fs.symlinkSync(path.join(from, entry), path.join(to, entry));
}

function copyFiles(from: string, to: string): void {
  for (const entry of fs.readdirSync(from)) {
    if (entry.startsWith('..')) continue; // kubelet-style ..data links, if any
    const source = path.join(from, entry);
    if (fs.statSync(source).isFile()) fs.copyFileSync(source, path.join(to, entry));
  }
}
