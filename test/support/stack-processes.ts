/**
 * The local stack's processes as scripts/stack/up.sh records them (`<stack>/run/<name>.pid`): one crashed
 * (SIGKILL) and started again by up.sh, which starts what is not running and keeps what is.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { processStartTicks } from '../../src/local/node-agent/proc';
import { eventually } from './eventually';
import { stack } from './stack';

/** A process up.sh starts. */
export type StackProcess = 'temporal' | 'kube-apiserver' | 'kube-proxy' | 'node-agent';

/** The pid up.sh recorded for `name`. */
export function stackPid(name: StackProcess): number {
  return Number(readFileSync(path.join(stack.dir, 'run', `${name}.pid`), 'utf8').trim());
}

/** SIGKILLs `name` and waits until it has exited (a zombie has: up.sh counts it as stopped); its pid. */
export async function killStackProcess(name: StackProcess): Promise<number> {
  const pid = stackPid(name);
  process.kill(pid, 'SIGKILL');
  await eventually(`${name} (pid ${pid}) to exit`, () => (processStartTicks(pid) === undefined ? true : undefined));
  return pid;
}

/**
 * Runs scripts/stack/up.sh with this process's environment (the FD_* ports and ranges of the stack under test):
 * what was killed starts again, and up.sh returns once it answers its health check.
 */
export async function stackUp(): Promise<void> {
  await promisify(execFile)('bash', [path.join(stack.root, 'scripts', 'stack', 'up.sh')], { env: process.env });
}
