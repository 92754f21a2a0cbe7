/**
 * A container's data volumes at their own paths, as a kubelet mounts them: the container's process
 * starts in a mount namespace of its own (`unshare --mount`, private propagation) where each
 * hostPath, persistentVolumeClaim and emptyDir folder is bind-mounted at its `mountPath`. Flink then
 * writes and reports `/flink-data/savepoints/…` as in a pod, and two pods may mount different
 * folders at one path. The mount point is created on the host when missing (an empty folder: the
 * bind mount is seen inside the namespace only).
 *
 * Only where it is safe and possible: as root with `unshare` working (else every path is rewritten,
 * value-rewriter.ts), for a folder (a file is rewritten), and for a mount path that hides nothing the
 * process needs (system folders, and any folder holding the node's own: its state, Flink, the jobs, Java).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ContainerMount } from './flink-home';

/** Set to `0` to turn mount namespaces off (every path is rewritten). */
export const MOUNT_NAMESPACES_ENV = 'FD_NODE_AGENT_MOUNT_NAMESPACES';

/** Top-level host folders never mounted over. */
const SYSTEM = new Set(['bin', 'boot', 'dev', 'etc', 'lib', 'lib32', 'lib64', 'libx32', 'proc', 'run', 'sbin', 'sys']);
const SYSTEM_PREFIXES = ['/usr', '/var/lib', '/var/run', '/opt/flink'];

/** True when this process may start processes in mount namespaces of their own (probed once). */
export function mountNamespacesAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env[MOUNT_NAMESPACES_ENV] === '0' || process.getuid?.() !== 0) return false;
  const probe = spawnSync('unshare', ['--mount', '--propagation', 'private', 'true'], { stdio: 'ignore' });
  return probe.status === 0;
}

/**
 * The mounts to bind at their paths: data volumes (`data`) that are folders, at an absolute path
 * that is no system folder and holds none of `keep` (the node's own folders the process reads).
 */
export function bindableMounts(input: {
  mounts: readonly ContainerMount[];
  keep: readonly string[];
}): ContainerMount[] {
  return input.mounts.filter((m) => {
    if (!m.data) return false;
    const target = path.resolve('/', m.mountPath);
    if (target !== m.mountPath.replace(/\/+$/, '') || target === '/') return false;
    if (SYSTEM.has(target.split('/')[1] ?? '')) return false;
    if (SYSTEM_PREFIXES.some((p) => isUnder(target, p) || isUnder(p, target))) return false;
    if (input.keep.some((k) => isUnder(path.resolve(k), target))) return false;
    try {
      return fs.statSync(m.hostPath).isDirectory();
    } catch {
      return false;
    }
  });
}

/**
 * The shell script that binds `$2` at `$1` (a folder created when missing; a file, e.g. `/etc/hosts`, bound over) for
 * each of its first `$N` pairs (N in `$0`'s place is
 * passed as the first argument), then execs the rest: the container's own command.
 */
const BIND_AND_EXEC = [
  'n=$1; shift',
  'while [ "$n" -gt 0 ]; do',
  '  [ -e "$1" ] || mkdir -p "$1" || { echo "mount namespace: cannot create $1" >&2; exit 111; }',
  '  mount --bind "$2" "$1" || { echo "mount namespace: cannot mount $2 at $1" >&2; exit 111; }',
  '  shift 2; n=$((n-1))',
  'done',
  'exec "$@"',
].join('\n');

/** `command args` started in a mount namespace of its own with `binds` mounted (parents first). */
export function inMountNamespace(input: { command: string; args: string[]; binds: readonly ContainerMount[] }): {
  command: string;
  args: string[];
} {
  if (input.binds.length === 0) return { command: input.command, args: input.args };
  const ordered = [...input.binds].sort((a, b) => depth(a.mountPath) - depth(b.mountPath));
  return {
    command: 'unshare',
    args: [
      '--mount',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      BIND_AND_EXEC,
      'sh',
      String(ordered.length),
      ...ordered.flatMap((m) => [path.resolve('/', m.mountPath), m.hostPath]),
      input.command,
      ...input.args,
    ],
  };
}

function depth(mountPath: string): number {
  return path.resolve('/', mountPath).split('/').length;
}

function isUnder(child: string, parent: string): boolean {
  return child === parent || child.startsWith(`${parent.replace(/\/+$/, '')}/`);
}

/**
 * The pod's own `/etc/hosts` (bound over the node's in its mount namespace): the node's lines with `localhost` taken
 * out of them, and `localhost` the pod's IP. In a pod, `localhost` is the pod's own network namespace; on this node
 * every pod shares the host's, each Flink process bound to its pod IP (container-launcher.ts), so a process that
 * reaches its own pod by `localhost` (Flink 1.x's JobManager uploads a session job's files to its own blob server at
 * `localhost`) reaches it there.
 */
export function podHostsFile(input: { nodeHosts: string; podIp: string; file: string }): ContainerMount {
  const lines = input.nodeHosts.split('\n').map((line) => {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (!address || names.length === 0 || !names.includes('localhost')) return line;
    const others = names.filter((n) => n !== 'localhost');
    return others.length > 0 ? `${address} ${others.join(' ')}` : `# ${line}`;
  });
  fs.writeFileSync(input.file, `${input.podIp} localhost\n${lines.join('\n')}\n`);
  return { mountPath: '/etc/hosts', hostPath: input.file };
}
