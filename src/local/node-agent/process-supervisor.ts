/**
 * Container processes. Each attempt runs under a small bash wrapper that leads its own
 * process group and writes the exit code to a file when the command ends, so the exit code
 * is known even for a process adopted after an agent restart. Stopping an attempt signals
 * the whole group: SIGTERM, the grace period, then SIGKILL.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isSameProcessAlive, processStartTicks } from './proc';
import { readJson, writeJsonAtomic, type ProcessRecord } from './state-store';

const WRAPPER = `#!/usr/bin/env bash
# $1: exit-code file; the rest: the command. Runs the command, writes its exit code.
exit_file="$1"; shift
"$@" &
child=$!
trap ':' TERM INT
while :; do
  wait "$child"; rc=$?
  kill -0 "$child" 2>/dev/null || break
done
echo "$rc" > "$exit_file"
exit "$rc"
`;

/** How an attempt ended. */
export interface ProcessExit {
  exitCode: number;
  /** True when no exit code was recorded (the group was SIGKILLed): exit code 137 is reported. */
  killed: boolean;
  finishedAt: Date;
}

/** A running attempt. */
export interface SupervisedProcess {
  pid: number;
  startedAt: Date;
  /** Resolves once the whole attempt has ended. */
  exited: Promise<ProcessExit>;
}

/** What to run for one attempt. */
export interface ProcessSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  logFile: string;
  exitCodeFile: string;
  processFile: string;
  podUid: string;
  container: string;
}

const POLL_MS = 300;

/** Starts and adopts container processes. */
export class ProcessSupervisor {
  private readonly wrapperPath: string;

  constructor(stateDir: string) {
    this.wrapperPath = path.join(stateDir, 'bin', 'run-container.sh');
    fs.mkdirSync(path.dirname(this.wrapperPath), { recursive: true });
    fs.writeFileSync(this.wrapperPath, WRAPPER, { mode: 0o755 });
  }

  /** Starts an attempt in its own process group and writes its pid file. */
  start(spec: ProcessSpec): SupervisedProcess {
    fs.mkdirSync(path.dirname(spec.processFile), { recursive: true });
    fs.rmSync(spec.exitCodeFile, { force: true });
    const log = fs.openSync(spec.logFile, 'a');
    // Where this attempt's output starts: `kubectl logs` shows from here (--previous: the one before).
    fs.appendFileSync(`${spec.logFile}.starts`, `${fs.fstatSync(log).size}\n`);
    try {
      const child = spawn('bash', [this.wrapperPath, spec.exitCodeFile, spec.command, ...spec.args], {
        cwd: spec.cwd,
        env: spec.env,
        detached: true,
        stdio: ['ignore', log, log],
      });
      const pid = child.pid;
      if (pid === undefined) throw new Error(`could not start ${spec.command}`);
      const startedAt = new Date();
      const record: ProcessRecord = {
        pid,
        startTicks: processStartTicks(pid) ?? 0,
        startedAt: startedAt.toISOString(),
        podUid: spec.podUid,
        container: spec.container,
      };
      writeJsonAtomic(spec.processFile, record);
      const exited = new Promise<ProcessExit>((resolve) => {
        child.once('exit', () => resolve(this.finish(spec)));
      });
      return { pid, startedAt, exited };
    } finally {
      fs.closeSync(log);
    }
  }

  /** Takes over an attempt left by an earlier agent; undefined when it is no longer alive. */
  adopt(input: { record: ProcessRecord; exitCodeFile: string; processFile: string }): SupervisedProcess | undefined {
    const { record } = input;
    if (!isSameProcessAlive(record.pid, record.startTicks)) return undefined;
    const exited = new Promise<ProcessExit>((resolve) => {
      const timer = setInterval(() => {
        if (isSameProcessAlive(record.pid, record.startTicks)) return;
        clearInterval(timer);
        resolve(this.finish(input));
      }, POLL_MS);
    });
    return { pid: record.pid, startedAt: new Date(record.startedAt), exited };
  }

  /** The exit of an ended attempt, read from its exit-code file; removes the pid file. */
  private finish(input: { exitCodeFile: string; processFile: string }): ProcessExit {
    fs.rmSync(input.processFile, { force: true });
    const text = readText(input.exitCodeFile);
    const code = text === undefined ? Number.NaN : Number(text.trim());
    return Number.isInteger(code)
      ? { exitCode: code, killed: false, finishedAt: new Date() }
      : { exitCode: 137, killed: true, finishedAt: new Date() };
  }
}

/**
 * Stops an attempt: SIGTERM to its process group, then SIGKILL after `graceMs` if it has not
 * ended; resolves when it has ended.
 */
export async function stopProcessGroup(input: { process: SupervisedProcess; graceMs: number }): Promise<ProcessExit> {
  const { process: proc } = input;
  signalGroup(proc.pid, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killer = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      signalGroup(proc.pid, 'SIGKILL');
      resolve();
    }, input.graceMs);
  });
  const exit = await Promise.race([proc.exited, killer.then(() => proc.exited)]);
  clearTimeout(timer);
  // Stragglers that left the wrapper's group leader behind still die with the group.
  signalGroup(proc.pid, 'SIGKILL');
  return exit;
}

/** Sends `signal` to process group `pgid`, ignoring a group that is already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** Reads a process record left on disk. */
export function readProcessRecord(file: string): ProcessRecord | undefined {
  return readJson<ProcessRecord>(file);
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
