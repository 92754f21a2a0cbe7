/**
 * The CLI as users get it: `npm pack` of this checkout (its `prepare` builds dist/), installed with
 * `npm install -g` into a folder of its own, run with Node 22 and nothing of this checkout on PATH.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** This checkout. */
const root = path.resolve(__dirname, '..', '..');

/** What a finished command printed and returned. */
export interface CommandRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command` to its end (SIGKILLed after `timeoutMs`). */
export function runCommand(
  command: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The folder of the Node 22 running this (the `node` dev dependency), for PATH. */
export const node22Dir = path.dirname(realpathSync(process.execPath));

/** A PATH with Node 22, npm and the system's tools, and none of this checkout's node_modules/.bin. */
export function cleanPath(...first: string[]): string {
  return [...first, node22Dir, '/usr/local/bin', '/usr/bin', '/bin'].join(':');
}

/**
 * The environment of npm and the installed CLI: a clean PATH, the npm cache of this machine (packages
 * already downloaded are not fetched again; the others come from the registry), global installs into `prefix`.
 */
export function packageEnv(prefix: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...networkEnv(),
    PATH: cleanPath(path.join(prefix, 'bin')),
    HOME: process.env.HOME ?? os.homedir(),
    npm_config_prefix: prefix,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

/**
 * How this machine reaches the registry, passed on as the user's own npm would see it: the CA bundle of a
 * TLS-intercepting proxy (without it npm retries SELF_SIGNED_CERT_IN_CHAIN for minutes), proxies, and the
 * registry/CA settings given as npm_config_* variables. Nothing else of the caller's environment.
 */
const networkKeys = [
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
  'https_proxy',
  'http_proxy',
  'no_proxy',
  'npm_config_registry',
  'npm_config_cafile',
  'npm_config_ca',
  'npm_config_strict_ssl',
  'npm_config_proxy',
  'npm_config_https_proxy',
  'npm_config_noproxy',
  'npm_config_cache',
];

export function networkEnv(): Record<string, string> {
  return Object.fromEntries(
    networkKeys.flatMap((key) => (process.env[key] !== undefined ? [[key, process.env[key]!]] : [])),
  );
}

/** `npm pack` of this checkout into a new temporary folder; returns the tarball's path. */
export async function packCheckout(): Promise<string> {
  const dest = mkdtempSync(path.join(os.tmpdir(), 'flink-deploy-pack-'));
  const run = await runCommand('npm', ['pack', '--pack-destination', dest], {
    cwd: root,
    env: { ...packageEnv(dest), PATH: cleanPath(path.join(root, 'node_modules', '.bin')) },
    timeoutMs: 600_000,
  });
  const tarballs = readdirSync(dest).filter((name) => name.endsWith('.tgz'));
  if (run.code !== 0 || tarballs.length !== 1) {
    throw new Error(`npm pack failed (exit ${run.code}):\n${run.stderr.slice(-4000)}`);
  }
  return path.join(dest, tarballs[0]!);
}

/** An empty temporary folder. */
export function emptyDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** `npm install -g` of `tarball` into `prefix` (the npm cache first); returns the installed `flink-deploy`. */
export async function installGlobal(tarball: string, prefix: string): Promise<string> {
  const run = await runCommand('npm', ['install', '-g', tarball], {
    cwd: prefix,
    env: packageEnv(prefix),
    timeoutMs: 900_000,
  });
  if (run.code !== 0)
    throw new Error(`npm install -g ${tarball} failed (exit ${run.code}):\n${run.stderr.slice(-4000)}`);
  return path.join(prefix, 'bin', 'flink-deploy');
}
