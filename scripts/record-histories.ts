/**
 * Records the replay corpus: one real run of every operation on the local stack, with the
 * stateful counter job, run by this checkout's worker and CLI (as the e2e tests run them), each
 * finished run's history written to test/fixtures/histories/<name>.binpb:
 *
 *   FD_STACK_DIR=/work/main/.stack node --import tsx scripts/record-histories.ts [--overwrite]
 *
 * One application, one operation after the other (about 10 minutes): deploy (not recorded),
 * then apply-no-change, savepoint-manual, savepoint-periodic (retention keep 1 disposes the
 * manual one), suspend, resume, rollback, apply-upgrade-last-state, apply-upgrade-stateless,
 * apply-upgrade-cancelled (`flink-deploy cancel` while the new version waits to be stable).
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
] as const;
type HistoryName = (typeof recordedHistories)[number];

const usage = 'usage: FD_STACK_DIR=<stack dir> node --import tsx scripts/record-histories.ts [--overwrite]';
const app = 'recorded';
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

  constructor(private readonly harness: typeof Harness) {
    this.env = new harness.E2eEnv('recorded');
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

  private manifest(opts: Parameters<E2eEnv['manifest']>[1] = {}): string {
    return this.env.manifest(app, {
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
    const events = await writeHistory(this.client, run, name);
    console.log(`✔ ${historyFile(name)}: ${events} events (${run.workflowId}, run ${run.runId})`);
  }

  private async record(): Promise<void> {
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
  const unknown = args.filter((a) => a !== '--overwrite');
  if (unknown.length) {
    console.error(`unknown argument(s): ${unknown.join(' ')}\n${usage}`);
    process.exit(2);
  }
  if (!existsSync(stack.kubeconfig)) {
    console.error(
      `no local stack at ${stack.dir} (no kubeconfig): start one (npm run stack:up) or set FD_STACK_DIR\n${usage}`,
    );
    process.exit(2);
  }
  const existing = recordedHistories.filter((name) => existsSync(historyFile(name)));
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
  await new Recorder(require('../test/support/e2e') as typeof Harness).run();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
