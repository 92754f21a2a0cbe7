/** What Temporal says of one run (a lock holder's): pure data, shared by the worker and the CLI. */

/** Running; closed with Temporal's status (TERMINATED, TIMED_OUT, FAILED...); or unknown to Temporal. */
export type RunState = { kind: 'running' } | { kind: 'closed'; status: string } | { kind: 'not-found' };

/** Looks a run up by workflow id AND run id (a later run of the same id is another holder). */
export interface RunLookup {
  runState(workflowId: string, runId: string): Promise<RunState>;
}

/** "closed (TERMINATED)", "running", "unknown to Temporal (history gone)". */
export function describeRunState(state: RunState): string {
  switch (state.kind) {
    case 'running':
      return 'running';
    case 'closed':
      return `closed (${state.status})`;
    case 'not-found':
      return 'unknown to Temporal (never started here, or its history is gone)';
  }
}

/** History outcomes of a lock released on its holder's behalf. */
export const HolderRelease = {
  /** The holder's run was closed (terminated, timed out, failed without release): the next operation released it. */
  Abandoned: 'abandoned',
  /** A person ran `flink-deploy unlock` (the holder's run was not running). */
  Unlocked: 'unlocked',
} as const;
export type HolderRelease = (typeof HolderRelease)[keyof typeof HolderRelease];
