/**
 * The fault matrix's cells: operation × injection point × fault (issue 12), and which of them a run
 * selects (`--only`, `--repeat`). Pure data: the harness (matrix.test.ts) runs them, the report
 * (scripts/faults-report.ts) lays them out.
 */

/** The operations under test (test/faults/matrix/operations.ts says how each is set up and run). */
export const Operations = [
  'deploy',
  'upgrade-savepoint',
  'upgrade-last-state',
  'upgrade-stateless',
  'suspend',
  'resume',
  'rollback',
  'savepoint',
  'periodic-savepoint',
  'rollback-auto',
  /** A parallelism change alone with the adaptive scheduler: rescaled in place (issue 15). */
  'rescale-in-place',
  'upgrade-blue-green',
  'rollback-auto-blue-green',
  /** A FlinkSessionJob upgraded with a savepoint on its session cluster (issue 16). */
  'upgrade-session-job',
  /** A session cluster upgraded with `upgrade.jobs: carry-over`: its job suspended, the cluster rolled out, resumed. */
  'upgrade-session-cluster',
  /** A suspended FlinkSessionJob resumed from its savepoint on its running session cluster. */
  'resume-session-job',
  /** A manual savepoint of a FlinkSessionJob. */
  'savepoint-session-job',
  /** A FlinkSessionJob's first submit to its running session cluster. */
  'deploy-session-job',
  /** A FlinkSessionJob stopped with a savepoint; its session cluster runs on. */
  'suspend-session-job',
  /** A suspended FlinkSessionJob rolled back on request: its last stable spec, from its latest savepoint. */
  'rollback-session-job',
  /** A session cluster (no job on it) deployed, suspended, resumed, deleted. */
  'deploy-session-cluster',
  'suspend-session-cluster',
  'resume-session-cluster',
  'delete-session-cluster',
] as const;
export type OperationName = (typeof Operations)[number];

/** Inside the stop-with-savepoint activity, after Flink accepted the trigger (its answer held back). */
export const AfterStopTrigger = 'after-stop-trigger';
/** Inside the apply activity, after its first object was applied (that answer held back). */
export const BetweenApplyObjects = 'between-apply-objects';

/**
 * Injection points of each operation: the entry of each phase it goes through (docs/workflows.md),
 * then the two points inside activities whose side effect lands before they return.
 */
export const InjectionPoints: Record<OperationName, readonly string[]> = {
  deploy: ['Locking', 'Planning', 'Deploying', 'WaitingForStable', BetweenApplyObjects],
  'upgrade-savepoint': [
    'Locking',
    'Planning',
    'Savepointing',
    'Deploying',
    'WaitingForStable',
    AfterStopTrigger,
    BetweenApplyObjects,
  ],
  'upgrade-last-state': [
    'Locking',
    'Planning',
    'ReadingCheckpoint',
    'Cancelling',
    'Deploying',
    'WaitingForStable',
    BetweenApplyObjects,
  ],
  'upgrade-stateless': ['Locking', 'Planning', 'Cancelling', 'Deploying', 'WaitingForStable', BetweenApplyObjects],
  suspend: ['Locking', 'Savepointing', 'RemovingDeployments', AfterStopTrigger],
  resume: ['Locking', 'Deploying', 'WaitingForStable', BetweenApplyObjects],
  rollback: ['Locking', 'Deploying', 'WaitingForStable', BetweenApplyObjects],
  savepoint: ['Locking', 'Savepointing'],
  'periodic-savepoint': ['Savepointing', 'Disposing'],
  'rollback-auto': [
    'Savepointing',
    'Deploying',
    'WaitingForStable',
    'RollingBack',
    AfterStopTrigger,
    BetweenApplyObjects,
  ],
  'rescale-in-place': ['Locking', 'Planning', 'Rescaling'],
  // Blue-green (issue 15): the new generation's cluster starts before the savepoint, the job is submitted after.
  'upgrade-blue-green': [
    'Locking',
    'Planning',
    'StartingCluster',
    'Savepointing',
    'Submitting',
    'WaitingForStable',
    'RemovingDeployments',
    AfterStopTrigger,
  ],
  'rollback-auto-blue-green': ['StartingCluster', 'Savepointing', 'Submitting', 'WaitingForStable', 'RollingBack'],
  // A session job (issue 16): its jar staged in the pre-flight, the job stopped with a savepoint (the stop goes to
  // `<job>-rest`, a Service to the cluster's JobManager), then its Service applied and the job submitted by REST.
  'upgrade-session-job': ['Locking', 'Planning', 'Savepointing', 'Submitting', 'WaitingForStable', AfterStopTrigger],
  // The cluster's workflow: Savepointing (a child suspend of its job), Deploying (the cluster's objects; the child
  // resume enters a second Deploying after StartingCluster), StartingCluster (the JobManager, TaskManagers, slots).
  'upgrade-session-cluster': [
    'Locking',
    'Savepointing',
    'Deploying',
    'StartingCluster',
    AfterStopTrigger,
    BetweenApplyObjects,
  ],
  // A session job's rollout has no Deploying: its Service is applied and the job submitted in Submitting.
  'resume-session-job': ['Locking', 'Submitting', 'WaitingForStable'],
  'savepoint-session-job': ['Locking', 'Savepointing'],
  'deploy-session-job': ['Locking', 'Planning', 'Submitting', 'WaitingForStable'],
  // A session job has no Deployments: RemovingDeployments removes none (its Service is kept for the resume).
  'suspend-session-job': ['Locking', 'Savepointing', 'RemovingDeployments', AfterStopTrigger],
  'rollback-session-job': ['Locking', 'Submitting', 'WaitingForStable'],
  // The cluster's own workflow (docs/workflows.md, "session clusters"): Deploying (its objects), StartingCluster
  // (the JobManager, TaskManagers and slots registered).
  'deploy-session-cluster': ['Locking', 'Deploying', 'StartingCluster', BetweenApplyObjects],
  'suspend-session-cluster': ['Locking', 'RemovingDeployments'],
  'resume-session-cluster': ['Locking', 'Deploying', 'StartingCluster', BetweenApplyObjects],
  'delete-session-cluster': ['Locking', 'RemovingDeployments', 'RemovingObjects'],
};

/** The faults (test/faults/matrix/faults.ts injects them). */
export const Faults = [
  'worker-sigkill',
  'worker-sigterm',
  'worker-down-long',
  'temporal-restart',
  'apiserver-restart',
  'node-agent-restart',
  'jobmanager-delete',
  'jobmanager-sigstop',
  'flink-5xx',
  'flink-reset',
  'flink-stall',
  'kube-5xx',
  'kube-reset',
  'kube-stall',
  'kube-409',
  /** The user's `flink-deploy cancel <app>` at the point: the run stops where it is safe, or finishes. */
  'cancel',
  /**
   * The run terminated at the point (Temporal's terminate: the Web UI's button, `temporal workflow terminate`): it
   * writes nothing more, and the operation's command run again must lead on from wherever it stopped.
   */
  'terminate',
] as const;
export type FaultName = (typeof Faults)[number];

/** Faults that restart a stack component: only on a stack the harness started (scripts/faults-stack.sh). */
export const StackFaults: readonly FaultName[] = ['temporal-restart', 'apiserver-restart', 'node-agent-restart'];

export interface Cell {
  operation: OperationName;
  point: string;
  fault: FaultName;
}

/** `operation/point/fault`: the cell's id in results, the report, and `--only`. */
export function cellId(cell: Cell): string {
  return `${cell.operation}/${cell.point}/${cell.fault}`;
}

/** The faults on the JobManager's pod (its processes stopped, the pod deleted). */
const JobManagerFaults: readonly FaultName[] = ['jobmanager-delete', 'jobmanager-sigstop'];

/** The faults on Flink's REST API (the fault proxy in front of it). */
const FlinkRestFaults: readonly FaultName[] = ['flink-5xx', 'flink-reset', 'flink-stall'];

/**
 * Operation × fault pairs (at one point, where `point` is given) that are not cells: the fault cannot reach the
 * operation. `flink-deploy cancel <app>` cancels the application's operation (its workflow id), and the harness
 * terminates that run; a periodic savepoint runs under the schedule's own ids. From these phases on, the operation
 * asks Flink nothing more (its jobs were asked for, its savepoint taken, before): a fault of Flink's REST there meets
 * no call (every run of them said "the proxy hit 0 calls"); a deleted session cluster's JobManager is gone before
 * its objects are removed.
 */
export const NotApplicable: readonly { operation: OperationName; point?: string; fault: FaultName }[] = [
  { operation: 'periodic-savepoint', fault: 'cancel' },
  { operation: 'periodic-savepoint', fault: 'terminate' },
  ...(
    [
      ['suspend', 'RemovingDeployments'],
      ['suspend-session-job', 'RemovingDeployments'],
      ['suspend-session-cluster', 'RemovingDeployments'],
      ['delete-session-cluster', 'RemovingDeployments'],
      ['delete-session-cluster', 'RemovingObjects'],
    ] as const
  ).flatMap(([operation, point]) => FlinkRestFaults.map((fault) => ({ operation, point, fault }))),
  // Its Deployments were removed, their pods waited gone, before RemovingObjects: no JobManager is left to fault
  // (its run said "SIGSTOP 5 s of 0 processes of JobManager pods").
  ...JobManagerFaults.map((fault) => ({
    operation: 'delete-session-cluster' as const,
    point: 'RemovingObjects',
    fault,
  })),
];

/** Every cell of the matrix, operation by operation. */
export function allCells(): Cell[] {
  const applies = (operation: OperationName, point: string, fault: FaultName) =>
    !NotApplicable.some(
      (n) => n.operation === operation && (n.point === undefined || n.point === point) && n.fault === fault,
    );
  return Operations.flatMap((operation) =>
    InjectionPoints[operation].flatMap((point) =>
      Faults.filter((fault) => applies(operation, point, fault)).map((fault) => ({ operation, point, fault })),
    ),
  );
}

/**
 * The cells `--only` selects: a comma-separated list of operations, points, faults or cell ids; a cell
 * is selected when every part of one entry names it (`upgrade-savepoint/Savepointing`, `worker-sigkill`,
 * `upgrade-savepoint/*\/kube-409`). Unknown names are an error naming them.
 */
export function selectCells(only: string | undefined, cells: Cell[] = allCells()): Cell[] {
  if (!only?.trim()) return cells;
  const known = new Set<string>(['*', ...Operations, ...Faults, ...Object.values(InjectionPoints).flat()]);
  const entries = only
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const unknown = entries.flatMap((e) => e.split('/')).filter((part) => !known.has(part));
  if (unknown.length) {
    throw new Error(
      `--only: unknown ${unknown.map((u) => `"${u}"`).join(', ')}; use operations (${Operations.join(', ')}), ` +
        `faults (${Faults.join(', ')}), phases, or ids operation/point/fault`,
    );
  }
  return cells.filter((cell) =>
    entries.some((entry) => {
      const parts = entry.split('/');
      if (parts.length === 1) return [cell.operation, cell.point, cell.fault].includes(parts[0] as never);
      return parts.every((part, i) => part === '*' || part === [cell.operation, cell.point, cell.fault][i]);
    }),
  );
}
