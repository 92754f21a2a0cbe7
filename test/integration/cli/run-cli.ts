/** Runs bin/flink-deploy.js as a subprocess, the way CI runs it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stack } from '../../support/stack';

export const bin = path.join(stack.root, 'bin', 'flink-deploy.js');

/** What a finished run printed and returned. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running CLI process with its output so far. */
export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  done: Promise<CliRun>;
}

/** The environment of a run: the stack's Temporal, a task queue of its own, no kubeconfig. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    FLINK_DEPLOY_UI_URL: stack.temporalUiUrl,
    ...extra,
  };
  return env;
}

/** Starts the CLI. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = cliEnv()): CliProcess {
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

/** Runs the CLI to its end. */
export function runCli(args: string[], env?: NodeJS.ProcessEnv): Promise<CliRun> {
  return startCli(args, env).done;
}

/** Polls `condition` every 100 ms until it holds (or `timeoutMs` passes). */
export async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const example = readFileSync(path.join(stack.root, 'examples', 'ci', 'flink-app.yaml'), 'utf8');

/** Writes the example manifest with another application name (and optional edits) to a temp file. */
export function writeManifest(name: string, edit: (yaml: string) => string = (yaml) => yaml): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flink-deploy-cli-'));
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, edit(example.replace('name: basic-example', `name: ${name}`)));
  return file;
}
