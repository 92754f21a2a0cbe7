/**
 * Records the replay corpus: one real run of every operation on the local stack, with the
 * stateful counter job, run by this checkout's worker and CLI (as the e2e tests run them), each
 * finished run's history written to test/fixtures/histories/<name>.binpb:
 *
 *   FD_STACK_DIR=/work/main/.stack node --import tsx scripts/record-histories.ts [--overwrite] [--only a,b]
 *
 * One application, one operation after the other (about 10 minutes): deploy (not recorded),
 * then apply-no-change, savepoint-manual, savepoint-periodic (retention keep 1 disposes the
 * manual one), suspend, resume, rollback, apply-upgrade-last-state, apply-upgrade-stateless,
 * apply-upgrade-cancelled (`flink-deploy cancel` while the new version waits to be stable).
 * Then a blue-green application (about 15 minutes): deploy, apply-upgrade-blue-green,
 * apply-upgrade-blue-green-rolled-back (a broken version back on the generation still standing),
 * suspend-blue-green, resume-blue-green; and an adaptive-scheduler one: deploy,
 * apply-rescale-in-place; and one whose job fails after 300 records with `onJobFailure: restart`:
 * restart-after-job-failed (the observer's restart from its checkpoint). `--only <history>,...` runs
 * only the sequences those need and writes only those.
 * Each run's outcome is checked before its history is written; the first that is not what it
 * should be stops the script (exit 1) with what it saw. Existing files are kept unless
 * --overwrite: a recorded history is what a run in flight looks like, so when workflow code
 * changes, old histories stay and new ones are added beside them.
 */
import { existsSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { Operation, type OperationResult } from '../src/contract/operations';
import { progressQuery } from '../src/contract/progress';
import { SavepointKind } from '../src/contract/savepoints';
import { FlinkApplication, FlinkNamespace, FlinkOperation } from '../src/contract/search-attributes';
import type { SavepointInput } from '../src/contract/workflow-inputs';
import { stack } from '../test/support/stack';
import type * as Harness from '../test/support/e2e';
import type { CliResult, E2eEnv } from '../test/support/e2e';
import { historyFile, writeHistory } from './record-history';

/** The histories this script writes, in the order it records them. */
const recordedHistories = [
  'apply-no-change',
  'savepoint-manual',
  'savepoint-periodic',
  'suspend',
  'resume',
  'rollback',
  'apply-upgrade-last-state',
  'apply-upgrade-stateless',
  'apply-upgrade-cancelled',
  'apply-upgrade-blue-green',
  'apply-upgrade-blue-green-rolled-back',
  'suspend-blue-green',
  'resume-blue-green',
  'apply-rescale-in-place',
  'restart-after-job-failed',
] as const;
type HistoryName = (typeof recordedHistories)[number];

/** Each sequence deploys its own application and records these histories (`--only` picks among them). */
const sequences = {
  recreate: recordedHistories.slice(0, 9),
  blueGreen: [
    'apply-upgrade-blue-green',
    'apply-upgrade-blue-green-rolled-back',
    'suspend-blue-green',
    'resume-blue-green',
  ] as HistoryName[],
  rescale: ['apply-rescale-in-place'] as HistoryName[],
  restart: ['restart-after-job-failed'] as HistoryName[],
};

const usage =
  'usage: FD_STACK_DIR=<stack dir> node --import tsx scripts/record-histories.ts [--overwrite] ' +
  '[--only <history>,<history>...]';
const app = 'recorded';
/** The blue-green application (generations `recorded-bg-g<N>`) and the adaptive-scheduler one. */
const blueGreenApp = 'recorded-bg';
const rescaleApp = 'recorded-rs';
/** The application whose job fails (the observer sweeps every 3 s and restarts it from its checkpoint). */
const restartApp = 'recorded-rf';
/** The adaptive scheduler, without its cool-down between rescales (test/long/rescale-in-place.test.ts). */
const adaptiveScheduler = {
  'jobmanager.scheduler': 'adaptive',
  'jobmanager.adaptive-scheduler.executing.cooldown-after-rescaling': '0s',
};
/** Short stability checks keep every history small; the cancelled upgrade waits long enough to be cancelled. */
const stability = { windowSeconds: 5, timeoutSeconds: 120 };
const wait = ['--wait', '--timeout', '6m', '-o', 'json'];

/** The JSON document an operation command prints with `-o json` (src/cli/report.ts). */
interface RunJson {
  workflowId: string;
  runId: string;
  status: string;
  operation?: string;
  outcome?: string;
  message?: string;
  failureType?: string;
  disposed?: string[];
  exitCode: number;
}

function runJsonOf(what: string, result: CliResult): RunJson {
  try {
    const doc = JSON.parse(result.stdout) as RunJson;
    if (typeof doc.workflowId === 'string' && typeof doc.runId === 'string') return doc;
  } catch {
    // named below with the whole output
  }
  throw new Error(`${what}: no run in its JSON output (exit ${result.code})\n${result.stdout}\n${result.stderr}`);
}

/** Fails naming the step, unless `ok`. */
function check(what: string, ok: boolean, seen: unknown): void {
  if (!ok) throw new Error(`${what}: not what it should be: ${JSON.stringify(seen)}`);
}

class Recorder {
  private readonly env: E2eEnv;
  private connection: Connection | undefined;

  constructor(
    private readonly harness: typeof Harness,
    private readonly only: ReadonlySet<HistoryName>,
  ) {
    this.env = new harness.E2eEnv('recorded');
    this.env.extraEnv = { FLINK_DEPLOY_OBSERVE_INTERVAL: '3s' };
  }

  private get client(): Client {
    if (!this.connection) throw new Error('not connected');
    return new Client({ connection: this.connection });
  }

  async run(): Promise<void> {
    this.connection = await Connection.connect({ address: stack.temporalAddress });
    await this.env.setUp();
    console.log(
      `namespace ${this.env.namespace}, task queue ${this.env.taskQueue}, worker log ${this.env.dir}/worker.log`,
    );
    try {
      await this.record();
    } finally {
      await this.env.tearDown();
      await this.connection.close();
    }
  }

  private manifest(opts: Parameters<E2eEnv['manifest']>[1] = {}, name = app): string {
    return this.env.manifest(name, {
      windowSeconds: stability.windowSeconds,
      timeoutSeconds: stability.timeoutSeconds,
      ...opts,
    });
  }

  private async cli(args: string[]): Promise<RunJson> {
    const what = `flink-deploy ${args.join(' ')}`;
    const json = runJsonOf(what, await this.env.cli(args));
    console.log(`  ${what}: exit ${json.exitCode}, ${json.status} ${json.outcome ?? json.failureType ?? ''}`);
    return json;
  }

  private async save(name: HistoryName, run: { workflowId: string; runId: string }): Promise<void> {
    if (!this.only.has(name)) return console.log(`  (${name} not recorded: not in --only)`);
    const events = await writeHistory(this.client, run, name);
    console.log(`✔ ${historyFile(name)}: ${events} events (${run.workflowId}, run ${run.runId})`);
  }

  private async record(): Promise<void> {
    const wanted = (names: HistoryName[]) => names.some((n) => this.only.has(n));
    if (wanted(sequences.recreate)) await this.recordRecreate();
    if (wanted(sequences.blueGreen)) await this.recordBlueGreen();
    if (wanted(sequences.rescale)) await this.recordRescale();
    if (wanted(sequences.restart)) await this.recordRestart();
  }

  private async recordRecreate(): Promise<void> {
    const ns = ['-n', this.env.namespace];
    const deployed = await this.cli(['apply', '-f', this.manifest(), ...wait]);
    check('deploy', deployed.exitCode === 0, deployed);

    const same = await this.cli(['apply', '-f', this.manifest(), ...wait]);
    check('apply of the same spec', same.exitCode === 0 && same.outcome === 'no-change', same);
    await this.save('apply-no-change', same);

    const manual = await this.cli(['savepoint', app, ...ns, ...wait]);
    check('manual savepoint', manual.exitCode === 0 && manual.outcome === 'succeeded', manual);
    await this.save('savepoint-manual', manual);

    await this.periodicSavepoint();

    const suspended = await this.cli(['suspend', app, ...ns, ...wait]);
    check('suspend', suspended.exitCode === 0, suspended);
    check(
      'suspend leaves',
      (await this.harness.readRecord(this.env.namespace, app)).status === 'suspended',
      'not suspended',
    );
    await this.save('suspend', suspended);

    const resumed = await this.cli(['resume', app, ...ns, ...wait]);
    check('resume', resumed.exitCode === 0, resumed);
    await this.save('resume', resumed);

    const rolledBack = await this.cli(['rollback', app, ...ns, ...wait]);
    check('rollback', rolledBack.exitCode === 0 && rolledBack.operation === 'rollback', rolledBack);
    await this.save('rollback', rolledBack);

    const lastState = await this.cli([
      'apply',
      '-f',
      this.manifest({ upgradeMode: 'last-state', parallelism: 3 }),
      ...wait,
    ]);
    check('last-state upgrade', lastState.exitCode === 0, lastState);
    const afterLastState = await this.harness.readRecord(this.env.namespace, app);
    check('last-state upgrade restores a checkpoint', /chk-\d+/.test(afterLastState.restoredFrom ?? ''), {
      restoredFrom: afterLastState.restoredFrom,
    });
    await this.save('apply-upgrade-last-state', lastState);

    const stateless = await this.cli([
      'apply',
      '-f',
      this.manifest({ upgradeMode: 'stateless', parallelism: 2 }),
      ...wait,
    ]);
    check('stateless upgrade', stateless.exitCode === 0, stateless);
    const afterStateless = await this.harness.readRecord(this.env.namespace, app);
    check('stateless upgrade restores nothing', afterStateless.restoredFrom === null, {
      restoredFrom: afterStateless.restoredFrom,
    });
    await this.save('apply-upgrade-stateless', stateless);

    await this.cancelledUpgrade();
  }

  /**
   * A blue-green application: upgraded (a new generation), a broken version rolled back onto the
   * generation still standing, suspended (savepoint, the live generation removed) and resumed from
   * THAT savepoint. Stability timeouts for JVMs starting beside a running cluster on a loaded machine.
   */
  private async recordBlueGreen(): Promise<void> {
    const ns = ['-n', this.env.namespace];
    const bg = (opts: Parameters<E2eEnv['manifest']>[1] = {}) =>
      this.manifest({ upgradeStrategy: 'blue-green', timeoutSeconds: 300, ...opts }, blueGreenApp);
    const bgWait = ['--wait', '--timeout', '12m', '-o', 'json'];
    const deployed = await this.cli(['apply', '-f', bg(), ...bgWait]);
    check('blue-green deploy', deployed.exitCode === 0, deployed);

    const upgraded = await this.cli(['apply', '-f', bg({ parallelism: 3 }), ...bgWait]);
    check('blue-green upgrade', upgraded.exitCode === 0 && /blue-green/.test(upgraded.message ?? ''), upgraded);
    check('blue-green upgrade ends on generation 2', (await this.readRecord(blueGreenApp)).generation === 2, {});
    await this.save('apply-upgrade-blue-green', upgraded);

    const broken = await this.cli([
      'apply',
      '-f',
      bg({ parallelism: 3, extraArgs: ['--fail-after-records', '0'] }),
      ...bgWait,
    ]);
    check(
      'blue-green broken version rolled back onto generation 2',
      broken.failureType === 'UpgradeRolledBack' && /runs again on generation 2/.test(broken.message ?? ''),
      broken,
    );
    await this.save('apply-upgrade-blue-green-rolled-back', broken);

    const suspended = await this.cli(['suspend', blueGreenApp, ...ns, ...bgWait]);
    check('blue-green suspend', suspended.exitCode === 0, suspended);
    const afterSuspend = await this.readRecord(blueGreenApp);
    const savepoint = afterSuspend.savepoints.filter((s) => s.kind === 'suspend').at(-1)?.location;
    check('blue-green suspend leaves a savepoint', afterSuspend.status === 'suspended' && !!savepoint, afterSuspend);
    await this.save('suspend-blue-green', suspended);

    const resumed = await this.cli(['resume', blueGreenApp, ...ns, ...bgWait]);
    check('blue-green resume', resumed.exitCode === 0, resumed);
    const afterResume = await this.readRecord(blueGreenApp);
    check('blue-green resume restores the suspend savepoint', afterResume.restoredFrom === savepoint, {
      restoredFrom: afterResume.restoredFrom,
      savepoint,
    });
    await this.save('resume-blue-green', resumed);
  }

  /** A parallelism change (2 → 3) the adaptive scheduler takes in place: same job, no savepoint. */
  private async recordRescale(): Promise<void> {
    const adaptive = (parallelism: number) =>
      this.manifest({ parallelism, flinkConfiguration: adaptiveScheduler, timeoutSeconds: 300 }, rescaleApp);
    const rsWait = ['--wait', '--timeout', '12m', '-o', 'json'];
    const deployed = await this.cli(['apply', '-f', adaptive(2), ...rsWait]);
    check('adaptive deploy', deployed.exitCode === 0, deployed);
    const jobId = (await this.readRecord(rescaleApp)).jobId;
    const rescaled = await this.cli(['apply', '-f', adaptive(3), ...rsWait]);
    check('rescale in place', rescaled.exitCode === 0 && /rescaled in place/.test(rescaled.message ?? ''), rescaled);
    check('rescale keeps the job', (await this.readRecord(rescaleApp)).jobId === jobId, { jobId });
    await this.save('apply-rescale-in-place', rescaled);
  }

  /** A job that FAILED at steady state, restarted by the observer from its latest checkpoint. */
  private async recordRestart(): Promise<void> {
    const failing = this.manifest(
      { extraArgs: ['--fail-after-records', '300', '--restart-attempts', '0'], onJobFailure: 'restart' },
      restartApp,
    );
    const deployed = await this.cli(['apply', '-f', failing, ...wait]);
    check('deploy of the failing job', deployed.exitCode === 0, deployed);
    const failedJob = (await this.readRecord(restartApp)).jobId;
    const restart = await this.harness.eventually(
      'the observer restarting the failed job',
      async () =>
        (await this.readRecord(restartApp)).history.find((h) => h.type === 'restart' && h.outcome !== undefined),
      300_000,
    );
    const after = await this.readRecord(restartApp);
    check(
      "restart from the failed job's checkpoint",
      restart.outcome === 'succeeded' && new RegExp(`/${failedJob}/chk-\\d+/?$`).test(after.restoredFrom ?? ''),
      { restart, restoredFrom: after.restoredFrom },
    );
    await this.save('restart-after-job-failed', restart);
  }

  private readRecord(name: string) {
    return this.harness.readRecord(this.env.namespace, name);
  }

  /** The savepoint workflow as the schedule starts it (`schedule savepoints`), keeping one. */
  private async periodicSavepoint(): Promise<void> {
    const appRef = { namespace: this.env.namespace, name: app };
    const input: SavepointInput = { app: appRef, kind: SavepointKind.Periodic, retention: { keep: 1 } };
    const handle = await this.client.workflow.start('savepoint', {
      taskQueue: this.env.taskQueue,
      workflowId: `flink-deploy-periodic-savepoint/${appRef.namespace}/${appRef.name}`,
      args: [input],
      typedSearchAttributes: [
        { key: FlinkApplication, value: app },
        { key: FlinkNamespace, value: appRef.namespace },
        { key: FlinkOperation, value: Operation.Savepoint },
      ],
      staticSummary: `periodic savepoint ${app} (${appRef.namespace}), keep 1`,
    });
    const result = (await handle.result()) as OperationResult;
    console.log(`  periodic savepoint: ${result.outcome}: ${result.message}`);
    check(
      'periodic savepoint disposing one',
      result.outcome === 'succeeded' && (result.disposed ?? []).length >= 1,
      result,
    );
    await this.save('savepoint-periodic', { workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
  }

  /** An upgrade cancelled with `flink-deploy cancel` while the new version waits to be stable. */
  private async cancelledUpgrade(): Promise<void> {
    const started = await this.cli([
      'apply',
      '-f',
      this.manifest({ parallelism: 3, windowSeconds: 120, timeoutSeconds: 300 }),
      '--no-wait',
      '-o',
      'json',
    ]);
    check('upgrade started', started.exitCode === 0, started);
    const handle = this.client.workflow.getHandle(started.workflowId, started.runId);
    await this.harness.eventually(
      'the upgrade waiting for the new version to be stable',
      async () => ((await handle.query(progressQuery)).phase === 'WaitingForStable' ? true : undefined),
      300_000,
    );
    const cancelled = await this.cli(['cancel', app, '-n', this.env.namespace, '--timeout', '6m', '-o', 'json']);
    check(
      'cancelled upgrade rolled back',
      cancelled.runId === started.runId &&
        cancelled.failureType === 'UpgradeRolledBack' &&
        /cancelled on request/.test(cancelled.message ?? ''),
      cancelled,
    );
    await this.save('apply-upgrade-cancelled', started);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const onlyAt = args.indexOf('--only');
  const onlyNames = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',').filter(Boolean) : [...recordedHistories];
  const unknown = args.filter((a, i) => a !== '--overwrite' && (onlyAt < 0 || (i !== onlyAt && i !== onlyAt + 1)));
  if (unknown.length) {
    console.error(`unknown argument(s): ${unknown.join(' ')}\n${usage}`);
    process.exit(2);
  }
  const notHistories = onlyNames.filter((n) => !(recordedHistories as readonly string[]).includes(n));
  if (onlyAt >= 0 && (onlyNames.length === 0 || notHistories.length)) {
    console.error(
      `--only takes history names separated by commas; not one: ${notHistories.join(', ') || '(none given)'}\n` +
        `the histories: ${recordedHistories.join(', ')}\n${usage}`,
    );
    process.exit(2);
  }
  const only = new Set(onlyNames as HistoryName[]);
  if (!existsSync(stack.kubeconfig)) {
    console.error(
      `no local stack at ${stack.dir} (no kubeconfig): start one (npm run stack:up) or set FD_STACK_DIR\n${usage}`,
    );
    process.exit(2);
  }
  const existing = [...only].filter((name) => existsSync(historyFile(name)));
  if (existing.length && !args.includes('--overwrite')) {
    console.error(
      `these histories exist already: ${existing.join(', ')}\n` +
        ('Recorded histories are what runs in flight look like: keep them. Move them aside, or run again ' +
          'with --overwrite.'),
    );
    process.exit(2);
  }
  // Loaded once the stack is known to be there: the e2e harness reads the kubeconfig on load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await new Recorder(require('../test/support/e2e') as typeof Harness, only).run();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
