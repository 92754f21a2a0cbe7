/**
 * OOMKilled, as honestly as a process-based node can say it: pods here have no memory cgroup
 * of their own, so the agent reads the kernel's OOM-kill counter of the cgroup it runs in
 * (`memory.events` of cgroup v2, `memory.oom_control` of v1). An attempt that ended by SIGKILL
 * (exit 137) while that counter went up is reported `OOMKilled`. A JVM that ends itself on
 * OutOfMemoryError (e.g. -XX:+ExitOnOutOfMemoryError, exit 3) is reported `Error` with its
 * exit code, as a kubelet would: the kernel killed nothing.
 */
import fs from 'node:fs';

const COUNTER_FILES = ['/sys/fs/cgroup/memory.events', '/sys/fs/cgroup/memory/memory.oom_control'];

/** The kernel's OOM-kill count of this cgroup, or undefined when it cannot be read. */
export function oomKillCount(files: readonly string[] = COUNTER_FILES): number | undefined {
  for (const file of files) {
    try {
      const match = /^oom_kill (\d+)$/m.exec(fs.readFileSync(file, 'utf8'));
      if (match) return Number(match[1]);
    } catch {
      // not this cgroup version
    }
  }
  return undefined;
}

/** True when an attempt that exited with `exitCode` was killed by the kernel's OOM killer. */
export function wasOomKilled(input: {
  exitCode: number;
  before: number | undefined;
  after: number | undefined;
}): boolean {
  return (
    input.exitCode === 137 && input.before !== undefined && input.after !== undefined && input.after > input.before
  );
}
