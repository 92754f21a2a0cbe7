/**
 * The operations of the matrix: how each brings its application to its starting state (no faults),
 * runs (the CLI, --output json), which outcomes are right, and which continuity its state must show.
 */
import { Client, Connection } from '@temporalio/client';
import { operationWorkflowId } from '../../../src/contract/ids';
import type { OutputMark } from '../../../scripts/lib/counter-app';
import { markOutput, newCountsOfEveryKey, readRecord, type CliResult } from '../../support/e2e';
import { eventually } from '../../support/eventually';
import { stack } from '../../support/stack';
import type { OperationName } from './cells';
import { deleteSchedule, despiteApiServerAway } from './harness-reads';
import type { MatrixEnv } from './matrix-env';
import { sessionClusterManifest, sessionClusterOf, sessionJobManifest } from './session-job';

/**
 * Stability of every manifest of the matrix: a short window; a timeout the long worker outage exceeds, long
 * enough for JVMs starting on a loaded 2-core machine (150 s rolled upgrades back there without any fault).
 */
export const stability = { windowSeconds: 5, timeoutSeconds: 300 } as const;

/**
 * What the counts must show after the operation:
 * - `exact`: every key's first new count = the last count before + 1 (a restore from a stop-with-savepoint);
 * - `checkpoint`: restored from a checkpoint: first new count ≤ last before + 1, and never started over;
 * - `fresh`: stateless by design: every key's first new count is 1;
 * - `continues`: the job kept its state: no key starts over after the mark;
 * - `none`: nothing runs afterwards (suspend);
 * - `steady`: the job goes on in its folder across the operation (stopped with a savepoint, restored from it):
 *   from the operation's start every count rises by 1 a line, and every key has counts after it ended.
 */
export type Continuity = 'exact' | 'checkpoint' | 'fresh' | 'continues' | 'none' | 'steady';

export interface RunContext {
  env: MatrixEnv;
  app: string;
  /** Output folder the job writes to before the operation, and after it (the same folder for same-spec restores). */
  before: string;
  after: string;
  /** Where `before` had been written to when the operation's starting state was reached (same-folder restores). */
  mark?: OutputMark;
  /** Where `before` had been written to when the operation started (a rollback continues `before`). */
  startMark?: OutputMark;
  /** The manifest the next operation applies (lock released → it runs). */
  lastManifest: string;
  /** Job id before the operation (record). */
  jobIdBefore?: string;
}

export interface OperationScenario {
  setup(run: RunContext): Promise<void>;
  /** Runs the operation to its end (CLI --wait); `started` resolves once the run is open. */
  act(run: RunContext): Promise<CliResult>;
  /**
   * The operation's command run again after its run was terminated (a CI job re-run): it must lead on from
   * wherever the run stopped. Undefined: `act` again (rollback-auto keeps the mark its first run set).
   */
  again?(run: RunContext): Promise<CliResult>;
  /** Outcomes right under a fault (`worker-down-long` may also roll an upgrade back: cells.ts). */
  accepted: string[];
  /** The operation's job writes to a folder of its own (`after`); else it goes on in `before`. */
  newOutput: boolean;
  /** Where the job (a jobless cell: the cluster) is when it is over; `deleted`: nothing of it is left. */
  end: 'running' | 'suspended' | 'deleted';
  /**
   * Where it was before the operation (`none`: never deployed): where a run that stopped short (cancelled, or
   * rolled back) leaves it. A first deploy cancelled may leave its job running or nothing (said in its message).
   */
  start: 'running' | 'suspended' | 'none';
  /**
   * The cell's subject is a session cluster with no job on it (`app` is the cluster): no job, no savepoint;
   * running, it is its JobManager with the TaskManagers' slots registered.
   */
  jobless?: boolean;
  continuity: Continuity;
  /** The operation restores state: Flink's latest restore must be the recorded one (or a newer checkpoint). */
  restores: boolean;
  /** The workflow whose phase the injection polls (undefined: the record's phase, for periodic runs). */
  workflowId(run: RunContext): string | undefined;
  /**
   * A session job's cluster (undefined: the application runs its own): whose JobManager pods the watcher,
   * the end state and the JobManager faults look at, and what the harness removes after the run.
   */
  sessionCluster?(run: RunContext): string;
  /**
   * The workflow whose runs since the operation's start take the savepoints, when not `workflowId`'s latest run
   * (a session cluster's upgrade: its job's child suspend).
   */
  savepointsTakenBy?(run: RunContext): string;
  /** The application whose operation the cell runs, when not `app` (a session cluster's upgrade: the cluster). */
  subject?(run: RunContext): string;
}

/** The adaptive scheduler without its cool-down between rescales (rescale-in-place). */
const adaptiveScheduler = {
  'jobmanager.scheduler': 'adaptive',
  'jobmanager.adaptive-scheduler.executing.cooldown-after-rescaling': '0s',
};

const wait = ['--wait', '--timeout', '25m', '--output', 'json'];

function manifest(run: RunContext, opts: Parameters<MatrixEnv['manifest']>[1]): string {
  return run.env.manifest(run.app, { ...stability, ...opts });
}

async function apply(run: RunContext, file: string): Promise<CliResult> {
  run.lastManifest = file;
  return run.env.cli(['apply', '-f', file, ...wait]);
}

async function must(what: string, result: Promise<CliResult>): Promise<void> {
  const r = await result;
  if (r.code !== 0) throw new Error(`set-up: ${what} exited ${r.code}: ${r.stdout}${r.stderr}`);
}

async function deployFirst(run: RunContext, opts: Parameters<MatrixEnv['manifest']>[1] = {}): Promise<void> {
  await must('first deploy', apply(run, manifest(run, { parallelism: 2, output: run.before, ...opts })));
  await newCountsOfEveryKey(run.before);
  run.jobIdBefore = (await readRecord(run.env.namespace, run.app)).jobId ?? undefined;
}

const blueGreen = { upgradeStrategy: 'blue-green' } as const;
const ns = (run: RunContext) => ['-n', run.env.namespace];
const opId = (run: RunContext) => operationWorkflowId({ namespace: run.env.namespace, name: run.app });

async function deployThenSuspend(run: RunContext): Promise<void> {
  await deployFirst(run);
  await must('suspend', run.env.cli(['suspend', run.app, ...ns(run), ...wait]));
  run.mark = markOutput(run.before);
}

function upgrade(mode: 'savepoint' | 'last-state' | 'stateless', continuity: Continuity): OperationScenario {
  return {
    setup: (run) => deployFirst(run, { upgradeMode: mode }),
    act: (run) => apply(run, manifest(run, { parallelism: 3, output: run.after, upgradeMode: mode })),
    accepted: ['succeeded'],
    newOutput: true,
    end: 'running',
    start: 'running',
    continuity,
    restores: mode !== 'stateless',
    workflowId: opId,
  };
}

/** The session job's set-up: its own session cluster, and the counter job on it at parallelism 1, counting. */
async function sessionJobFirst(run: RunContext, cluster: { carryOver?: boolean } = {}): Promise<void> {
  await must('session cluster', apply(run, sessionClusterManifest(run.env, run.app, stability, cluster)));
  await must('first submit', apply(run, sessionJobManifest(run.env, run.app, { output: run.before, parallelism: 1 })));
  await newCountsOfEveryKey(run.before);
  run.jobIdBefore = (await readRecord(run.env.namespace, run.app)).jobId ?? undefined;
}

/**
 * A FlinkSessionJob upgraded with a savepoint (issue 16): its own session cluster and the counter job at
 * parallelism 1 set up, then the job applied with other args (parallelism 2, its own output folder).
 */
const upgradeSessionJob: OperationScenario = {
  setup: (run) => sessionJobFirst(run),
  act: (run) => apply(run, sessionJobManifest(run.env, run.app, { output: run.after, parallelism: 2 })),
  accepted: ['succeeded'],
  newOutput: true,
  end: 'running',
  start: 'running',
  continuity: 'exact',
  restores: true,
  workflowId: opId,
  sessionCluster: (run) => sessionClusterOf(run.app),
};

/**
 * A session cluster upgraded (its TaskManagers' memory) with `upgrade.jobs: carry-over` (issue 16): the
 * session job's set-up above on a cluster that carries its jobs; the cluster's workflow suspends the job (a child
 * workflow, stop-with-savepoint), rolls the cluster out, and resumes the job from that savepoint, in its folder.
 */
const upgradeSessionCluster: OperationScenario = {
  setup: (run) => sessionJobFirst(run, { carryOver: true }),
  act: async (run) => {
    const bigger = sessionClusterManifest(run.env, run.app, stability, { carryOver: true, taskManagerMemory: '1600m' });
    const result = await apply(run, bigger);
    // The resumed job's first counts: the continuity invariant asks for them after this mark.
    run.mark = markOutput(run.before);
    if (result.code === 0) await newCountsOfEveryKey(run.before, { since: run.mark, lines: 1 }).catch(() => undefined);
    return result;
  },
  accepted: ['succeeded'],
  newOutput: false,
  end: 'running',
  start: 'running',
  continuity: 'steady',
  restores: true,
  workflowId: (run) => operationWorkflowId({ namespace: run.env.namespace, name: sessionClusterOf(run.app) }),
  sessionCluster: (run) => sessionClusterOf(run.app),
  savepointsTakenBy: opId,
  subject: (run) => sessionClusterOf(run.app),
};

/** The session job's set-up, then the job suspended (its cluster runs on): the resume's starting state. */
async function sessionJobSuspended(run: RunContext): Promise<void> {
  await sessionJobFirst(run);
  await must('suspend', run.env.cli(['suspend', run.app, ...ns(run), ...wait]));
  run.mark = markOutput(run.before);
}

/** A session job's operations other than the upgrade are an application's, its JobManager its cluster's. */
const onSessionCluster = { sessionCluster: (run: RunContext) => sessionClusterOf(run.app) };

/**
 * `command` (resume, or rollback on request: the last stable spec) from the suspended state `suspended` reaches: the
 * job restored exactly from its savepoint.
 */
function fromSuspended(
  suspended: (run: RunContext) => Promise<void>,
  command: 'resume' | 'rollback' = 'resume',
): OperationScenario {
  return {
    setup: suspended,
    act: (run) => run.env.cli([command, run.app, ...ns(run), ...wait]),
    accepted: ['succeeded'],
    newOutput: false,
    end: 'running',
    start: 'suspended',
    continuity: 'exact',
    restores: true,
    workflowId: opId,
  };
}

/** `suspend` of the job `running` starts (stop-with-savepoint): nothing of it runs afterwards. */
function suspendOf(running: (run: RunContext) => Promise<void>): OperationScenario {
  return {
    setup: running,
    act: (run) => run.env.cli(['suspend', run.app, ...ns(run), ...wait]),
    accepted: ['succeeded'],
    newOutput: false,
    end: 'suspended',
    start: 'running',
    continuity: 'none',
    restores: false,
    workflowId: opId,
  };
}

/** A manual savepoint of the job `running` starts: the job goes on counting in its folder. */
function savepointOf(running: (run: RunContext) => Promise<void>): OperationScenario {
  return {
    setup: async (run) => {
      await running(run);
      run.mark = markOutput(run.before);
    },
    act: (run) => run.env.cli(['savepoint', run.app, ...ns(run), ...wait]),
    accepted: ['succeeded'],
    newOutput: false,
    end: 'running',
    start: 'running',
    continuity: 'continues',
    restores: false,
    workflowId: opId,
  };
}

/** A session job's first submit: its session cluster up (no job yet), then the counter job applied. */
const deploySessionJob: OperationScenario = {
  setup: (run) => must('session cluster', apply(run, sessionClusterManifest(run.env, run.app, stability))),
  act: (run) => apply(run, sessionJobManifest(run.env, run.app, { output: run.after, parallelism: 1 })),
  accepted: ['succeeded'],
  newOutput: false,
  end: 'running',
  start: 'none',
  continuity: 'continues',
  restores: false,
  workflowId: opId,
  ...onSessionCluster,
};

/** A session cluster that is the cell's subject (named `app`, no job on it). */
const cluster = (run: RunContext) => sessionClusterManifest(run.env, run.app, stability, { name: run.app });
const clusterUp = (run: RunContext) => must('session cluster', apply(run, cluster(run)));

/** An operation on a session cluster with no job: `act` runs it, from the state `setup` reaches. */
function onCluster(
  setup: (run: RunContext) => Promise<void>,
  act: (run: RunContext) => Promise<CliResult>,
  end: OperationScenario['end'],
  start: OperationScenario['start'],
): OperationScenario {
  return {
    setup,
    act,
    accepted: ['succeeded'],
    newOutput: false,
    end,
    start,
    continuity: 'none',
    restores: false,
    workflowId: opId,
    jobless: true,
  };
}

/**
 * A failing new version (every record fails the job) applied over the running one (`opts`: its strategy), rolled back
 * automatically: the stable version goes on in `before`, from the mark set when the operation started.
 */
function rollbackAuto(opts: typeof blueGreen | Record<string, never>): OperationScenario {
  const applyBroken = async (run: RunContext) => {
    const broken = manifest(run, {
      ...opts,
      parallelism: 3,
      output: run.env.outputDir(run.app, 'broken'),
      extraArgs: ['--fail-after-records', '0'],
    });
    const result = await run.env.cli(['apply', '-f', broken, ...wait]);
    // The next operation applies the stable version again (the broken one would fail again).
    run.lastManifest = manifest(run, { ...opts, parallelism: 2, output: run.before });
    return result;
  };
  return {
    setup: (run) => deployFirst(run, opts),
    act: (run) => {
      run.mark = markOutput(run.before);
      return applyBroken(run);
    },
    again: applyBroken,
    accepted: ['rolled-back'],
    newOutput: false,
    end: 'running',
    start: 'running',
    continuity: 'continues',
    restores: true,
    workflowId: opId,
  };
}

export const scenarios: Record<OperationName, OperationScenario> = {
  deploy: {
    setup: async () => undefined,
    act: (run) => apply(run, manifest(run, { parallelism: 2, output: run.after })),
    accepted: ['succeeded'],
    newOutput: false,
    end: 'running',
    start: 'none',
    continuity: 'continues',
    restores: false,
    workflowId: opId,
  },
  'upgrade-savepoint': upgrade('savepoint', 'exact'),
  'upgrade-last-state': upgrade('last-state', 'checkpoint'),
  'upgrade-stateless': upgrade('stateless', 'fresh'),
  suspend: suspendOf((run) => deployFirst(run)),
  resume: fromSuspended(deployThenSuspend),
  rollback: fromSuspended(deployThenSuspend, 'rollback'),
  savepoint: savepointOf((run) => deployFirst(run)),
  'periodic-savepoint': {
    setup: async (run) => {
      await deployFirst(run);
      run.mark = markOutput(run.before);
    },
    act: (run) => periodicSavepoints(run),
    accepted: ['succeeded'],
    newOutput: false,
    end: 'running',
    start: 'running',
    continuity: 'continues',
    restores: false,
    workflowId: () => undefined,
  },
  'rescale-in-place': {
    setup: async (run) => {
      await deployFirst(run, { flinkConfiguration: adaptiveScheduler });
      run.mark = markOutput(run.before);
    },
    // The same job goes on writing to the same folder at parallelism 3; a fault may make it fall back to the
    // upgrade path (said, outcome succeeded), whose job writes to the same folder too.
    act: (run) =>
      apply(run, manifest(run, { parallelism: 3, output: run.before, flinkConfiguration: adaptiveScheduler })),
    accepted: ['succeeded'],
    newOutput: false,
    end: 'running',
    start: 'running',
    continuity: 'checkpoint',
    restores: false,
    workflowId: opId,
  },
  'rollback-auto': rollbackAuto({}),
  'upgrade-blue-green': {
    setup: (run) => deployFirst(run, blueGreen),
    act: (run) => apply(run, manifest(run, { ...blueGreen, parallelism: 3, output: run.after })),
    accepted: ['succeeded'],
    newOutput: true,
    end: 'running',
    start: 'running',
    continuity: 'exact',
    restores: true,
    workflowId: opId,
  },
  'rollback-auto-blue-green': rollbackAuto(blueGreen),
  'upgrade-session-job': upgradeSessionJob,
  'upgrade-session-cluster': upgradeSessionCluster,
  'resume-session-job': { ...fromSuspended(sessionJobSuspended), ...onSessionCluster },
  'savepoint-session-job': { ...savepointOf((run) => sessionJobFirst(run)), ...onSessionCluster },
  'deploy-session-job': deploySessionJob,
  // Its end state is its cluster's: running on, with no job of it RUNNING there.
  'suspend-session-job': { ...suspendOf((run) => sessionJobFirst(run)), ...onSessionCluster },
  'rollback-session-job': { ...fromSuspended(sessionJobSuspended, 'rollback'), ...onSessionCluster },
  'deploy-session-cluster': onCluster(
    async () => undefined,
    (run) => apply(run, cluster(run)),
    'running',
    'none',
  ),
  'suspend-session-cluster': onCluster(
    clusterUp,
    (run) => run.env.cli(['suspend', run.app, ...ns(run), ...wait]),
    'suspended',
    'running',
  ),
  'resume-session-cluster': onCluster(
    async (run) => {
      await clusterUp(run);
      await must('suspend', run.env.cli(['suspend', run.app, ...ns(run), ...wait]));
    },
    (run) => run.env.cli(['resume', run.app, ...ns(run), ...wait]),
    'running',
    'suspended',
  ),
  'delete-session-cluster': onCluster(
    clusterUp,
    (run) => run.env.cli(['delete', run.app, ...ns(run), ...wait]),
    'deleted',
    'running',
  ),
};

/**
 * Until no run the schedule started is open: a run's disposals come after its lock is released, and a worker away
 * (`worker-down-long`) holds them past the schedule's deletion; the invariants judge the record once they ended
 * (before, a disposal Flink had done and the record still said pending was judged a lost savepoint). Temporal is
 * asked again through its restart (`temporal-restart`); 10 minutes at most.
 */
async function periodicRunsEnded(run: RunContext): Promise<void> {
  // A run started just before the deletion shows in the list a moment later.
  await new Promise((r) => setTimeout(r, 5000));
  const prefix = `flink-deploy-periodic-savepoint/${run.env.namespace}/${run.app}-`;
  const query = `WorkflowId STARTS_WITH '${prefix}' AND ExecutionStatus = 'Running'`;
  await eventually(
    `the periodic savepoint runs of ${run.app} ended`,
    async () => {
      const connection = await Connection.connect({ address: stack.temporalAddress });
      try {
        return (await new Client({ connection }).workflow.count(query)).count === 0 ? true : undefined;
      } finally {
        await connection.close();
      }
    },
    { timeoutMs: 600_000, intervalMs: 2000 },
  );
}

/**
 * Periodic savepoints: a schedule every 10 s keeping 2, run until 4 periodic savepoints are recorded (or 4 min).
 * The schedule is deleted whatever the polling does: a read that failed for good must not leave it running.
 */
async function periodicSavepoints(run: RunContext): Promise<CliResult> {
  const created = await run.env.cli(['schedule', 'savepoints', run.app, ...ns(run), '--every', '10s', '--keep', '2']);
  if (created.code !== 0) return created;
  const periodic = async () =>
    (
      await despiteApiServerAway(`the record of ${run.app}`, () => readRecord(run.env.namespace, run.app))
    ).savepoints.filter((s) => s.kind === 'periodic').length;
  try {
    const deadline = Date.now() + 240_000;
    while ((await periodic()) < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1000));
  } catch (err) {
    // The poll's error is the run's; a deletion that failed as well is said after it.
    const alsoFailed = await deleteSchedule(run).then(
      () => '',
      (e: Error) => `; then ${e.message}`,
    );
    throw alsoFailed ? new Error(`${(err as Error).message}${alsoFailed}`) : err;
  }
  await deleteSchedule(run);
  await periodicRunsEnded(run);
  const count = await periodic();
  const outcome = count >= 4 ? 'succeeded' : 'failed';
  return {
    code: count >= 4 ? 0 : 1,
    stdout: JSON.stringify({ outcome, message: `${count} periodic savepoints recorded`, exitCode: count >= 4 ? 0 : 1 }),
    stderr: created.stderr,
  };
}
