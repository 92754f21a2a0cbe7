/**
 * Runs bin/flink-deploy.js as a process, with a bound: for what needs a real stdin, or what could hang or crash
 * the test's own process (reading /dev/zero, a FIFO) when it goes wrong. Nothing here needs a server.
 */
import { spawnSync, type StdioOptions } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
const node = path.join(root, 'node_modules', '.bin', 'node');
const bin = path.join(root, 'bin', 'flink-deploy.js');

/** What a run printed and returned; `code` null when it was killed (its time ran out, or it crashed). */
export interface ProcessRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs the CLI; `stdin` is its input as text, or a file descriptor. Killed after `timeoutMs`: 2 min by default, as
 * a start-up on a loaded machine (fault lanes beside the suite, load average ~17) took over 30 s.
 */
export function runCliProcess(
  args: string[],
  options: { env?: Record<string, string>; stdin?: string | number; timeoutMs?: number } = {},
): ProcessRun {
  const stdio: StdioOptions = [typeof options.stdin === 'number' ? options.stdin : 'pipe', 'pipe', 'pipe'];
  const started = Date.now();
  const run = spawnSync(node, [bin, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, KUBECONFIG: '/nonexistent/kubeconfig', ...options.env },
    input: typeof options.stdin === 'string' ? options.stdin : undefined,
    stdio,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return { code: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr, ms: Date.now() - started };
}
