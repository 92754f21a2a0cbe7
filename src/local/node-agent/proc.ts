/** Reading /proc: process identity (start time) and the processes that belong to a pod. */
import fs from 'node:fs';

/** The env variable every container process carries: the uid of its pod. */
export const POD_UID_ENV = 'FD_NODE_AGENT_POD_UID';
/** The env variable every container process carries: the state dir of the agent that started it (one per stack). */
export const STATE_DIR_ENV = 'FD_NODE_AGENT_STATE_DIR';

/** Start time of `pid` in clock ticks since boot, or undefined if it is gone. */
export function processStartTicks(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); start time is field 22.
    if (fields[0] === 'Z') return undefined;
    return Number(fields[19]);
  } catch {
    return undefined;
  }
}

/** True when `pid` runs and started at `startTicks` (not a reused pid). */
export function isSameProcessAlive(pid: number, startTicks: number): boolean {
  return processStartTicks(pid) === startTicks;
}

/**
 * Pids of live processes whose environment has FD_NODE_AGENT_POD_UID (optionally = `podUid`),
 * with the agent state dir they carry (undefined for processes of agents before it was set).
 */
export function findPodProcesses(podUid?: string): Array<{ pid: number; podUid: string; stateDir?: string }> {
  const found: Array<{ pid: number; podUid: string; stateDir?: string }> = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let environ: string;
    try {
      environ = fs.readFileSync(`/proc/${entry}/environ`, 'latin1');
    } catch {
      continue;
    }
    const prefix = `${POD_UID_ENV}=`;
    const variables = environ.split('\0');
    const variable = variables.find((v) => v.startsWith(prefix));
    if (!variable) continue;
    const uid = variable.slice(prefix.length);
    const stateDir = variables.find((v) => v.startsWith(`${STATE_DIR_ENV}=`))?.slice(STATE_DIR_ENV.length + 1);
    if ((podUid === undefined || uid === podUid) && processStartTicks(Number(entry)) !== undefined) {
      found.push({ pid: Number(entry), podUid: uid, ...(stateDir !== undefined ? { stateDir } : {}) });
    }
  }
  return found;
}
