/**
 * Mount namespaces: which data volumes are bound at their own paths, and a real process started in one
 * sees the host folder at the container's path while the host does not.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  bindableMounts,
  inMountNamespace,
  MOUNT_NAMESPACES_ENV,
  mountNamespacesAvailable,
  podHostsFile,
} from '../../../src/local/node-agent/mount-namespace';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fd-mntns-'));
const folder = path.join(dir, 'hostpath', 'tmp', 'flink');
fs.mkdirSync(folder, { recursive: true });
const file = path.join(dir, 'a-file');
fs.writeFileSync(file, 'x');
const state = path.join(dir, 'state');

test.each([
  ['/flink-data', true, 'a data folder at a path of its own'],
  ['/flink-data/', true, 'a trailing slash'],
  ['/opt/flink/log', false, "under /opt/flink (the container's Flink home, built by the node)"],
  ['/opt', false, 'above /opt/flink'],
  ['/usr/share/x', false, 'a system folder'],
  ['/etc/flink', false, 'a system folder'],
  ['/', false, 'the root'],
  ['relative/path', false, 'not absolute'],
  [dir, false, "a folder holding the node's state"],
])('%s: bound %s (%s)', (mountPath, bound) => {
  const mount = { mountPath, hostPath: folder, data: true };
  expect(bindableMounts({ mounts: [mount], keep: [state] })).toEqual(bound ? [mount] : []);
});

test('a config volume, a file, and a missing folder are rewritten, not bound', () => {
  const mounts = [
    { mountPath: '/config', hostPath: folder },
    { mountPath: '/one-file', hostPath: file, data: true },
    { mountPath: '/gone', hostPath: path.join(dir, 'gone'), data: true },
  ];
  expect(bindableMounts({ mounts, keep: [state] })).toEqual([]);
});

test('the command line: unchanged without binds; parents bound before children', () => {
  expect(inMountNamespace({ command: 'bash', args: ['x'], binds: [] })).toEqual({ command: 'bash', args: ['x'] });
  const { command, args } = inMountNamespace({
    command: 'bash',
    args: ['x', 'y'],
    binds: [
      { mountPath: '/flink-data/ha', hostPath: '/h/ha' },
      { mountPath: '/flink-data', hostPath: '/h/data' },
    ],
  });
  expect(command).toBe('unshare');
  expect(args.slice(0, 5)).toEqual(['--mount', '--propagation', 'private', '--', 'sh']);
  expect(args.slice(8)).toEqual(['2', '/flink-data', '/h/data', '/flink-data/ha', '/h/ha', 'bash', 'x', 'y']);
});

test(`${MOUNT_NAMESPACES_ENV}=0 turns them off`, () => {
  expect(mountNamespacesAvailable({ [MOUNT_NAMESPACES_ENV]: '0' })).toBe(false);
});

// Where this runs as root with unshare (the local stack's machines, CI), the real thing; elsewhere the node
// rewrites paths instead and this proves the probe says so.
test('a process in its namespace sees the host folder at the mount path; the host does not', () => {
  const available = mountNamespacesAvailable({});
  if (!available) {
    expect(process.getuid?.() === 0 && spawnSync('unshare', ['--mount', 'true']).status === 0).toBe(false);
    return;
  }
  fs.writeFileSync(path.join(folder, 'marker'), 'from the host folder');
  const target = `/fd-mntns-test-${process.pid}`;
  const { command, args } = inMountNamespace({
    command: 'sh',
    args: ['-c', `cat ${target}/marker && echo written > ${target}/from-inside`],
    binds: [{ mountPath: target, hostPath: folder }],
  });
  const run = spawnSync(command, args, { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.stdout.trim()).toBe('from the host folder');
  expect(fs.readFileSync(path.join(folder, 'from-inside'), 'utf8').trim()).toBe('written');
  // The host keeps an empty mount point only.
  expect(fs.readdirSync(target)).toEqual([]);
  fs.rmdirSync(target);
});

test("a pod's hosts file: localhost is the pod IP, the node's other names kept", () => {
  const file = path.join(dir, 'pod-hosts');
  const bind = podHostsFile({
    nodeHosts: '127.0.0.1\tlocalhost\n127.0.1.1 node-1\n::1 localhost ip6-localhost ip6-loopback\n# localhost here\n',
    podIp: '127.1.0.4',
    file,
  });
  expect(bind).toEqual({ mountPath: '/etc/hosts', hostPath: file });
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  expect(lines[0]).toBe('127.1.0.4 localhost');
  expect(lines).toContain('127.0.1.1 node-1');
  expect(lines).toContain('::1 ip6-localhost ip6-loopback');
  expect(lines).toContain('# 127.0.0.1\tlocalhost');
  // No other line names localhost.
  const namesLocalhost = (l: string) => !l.startsWith('#') && l.split(/\s+/).slice(1).includes('localhost');
  expect(lines.slice(1).filter(namesLocalhost)).toEqual([]);
});

// As root with unshare: a process in the namespace resolves localhost to the pod IP through the bound file.
test('bound over /etc/hosts in the namespace, the host keeps its own', () => {
  if (!mountNamespacesAvailable({})) {
    expect(process.getuid?.() === 0 && spawnSync('unshare', ['--mount', 'true']).status === 0).toBe(false);
    return;
  }
  const bind = podHostsFile({
    nodeHosts: fs.readFileSync('/etc/hosts', 'utf8'),
    podIp: '127.1.0.9',
    file: path.join(dir, 'ns-hosts'),
  });
  const { command, args } = inMountNamespace({ command: 'getent', args: ['hosts', 'localhost'], binds: [bind] });
  const run = spawnSync(command, args, { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.stdout.trim().split(/\s+/)[0]).toBe('127.1.0.9');
  expect(spawnSync('getent', ['hosts', 'localhost'], { encoding: 'utf8' }).stdout).not.toContain('127.1.0.9');
});
