/**
 * `apply -f <folder or several files>`: read and validate every manifest, plan every application
 * against its record, show the plan, start one `fleet` rollout (docs/fleet.md) and follow it:
 * one line per application as its state changes, the final table, the exit code of its outcome.
 */
import type { Command } from 'commander';
import type { Settings } from '../config/settings';
import { fleetWorkflowId, FleetOperation, type FleetProgress } from '../contract/fleet';
import { fleetProgressQuery } from '../contract/fleet-messages';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { FlinkNamespace, FlinkOperation } from '../contract/search-attributes';
import { CliError, CliErrorCode } from './errors';
import { ExitCode } from './exit-codes';
import { fleetNotesText, planFleet, requireFleetSpecs, skippedNote } from './fleet-manifests';
import { refuseUnfitSessionClusters } from './session-job-check';
import { checkFleetOptions, fleetInputOf } from './fleet-options';
import { exitCodeForFleet, fleetAppLine, fleetJson, fleetPlanText, fleetTable } from './fleet-view';
import type { CliIo } from './io';
import { workflowUrl } from './links';
import type { Output } from './output';
import { NoWorkerNotice } from './no-worker-notice';
import { RunHistory } from './run-history';
import { withTemporal, type TemporalSession } from './temporal-client';
import { WaitEnd, Waiting } from './waiting';
import type { WaitOptions } from './wait-options';

/** Options of apply a fleet cannot take. */
const SINGLE_ONLY = ['fromScratch', 'queue'] as const;

export interface FleetApplyInput {
  io: CliIo;
  command: Command;
  output: Output;
  settings: Settings;
  files: string[];
  /** -n: the namespace of manifests that name none. */
  namespace?: string;
  dryRun: boolean;
  wait: WaitOptions;
}

/** Runs the fleet apply; returns the exit code. */
export async function fleetApply(input: FleetApplyInput): Promise<number> {
  const { command, output, settings } = input;
  const opts = command.opts<Record<(typeof SINGLE_ONLY)[number], boolean | undefined>>();
  const single = SINGLE_ONLY.filter((o) => opts[o]);
  if (single.length)
    throw new CliError({
      code: CliErrorCode.Usage,
      message:
        `${single.map((o) => (o === 'fromScratch' ? '--from-scratch' : '--queue')).join(', ')}: ` +
        'only for one manifest',
      hint: 'A fleet waits for busy applications with --if-busy wait. Nothing was started.',
    });
  const { manifests, notes, skipped } = requireFleetSpecs(input.files, input.namespace);
  if (skipped.length > 0) output.say(skippedNote(skipped));
  // The canaries' names and the rollout id are checked before the cluster is read: a typo is exit 2 at once.
  checkFleetOptions(
    command,
    manifests.map((m) => m.spec),
  );
  const planned = await planFleet(settings, manifests);
  await refuseUnfitSessionClusters(
    settings,
    manifests.map((m) => m.spec),
  );
  const fleetInput = fleetInputOf(
    command,
    planned.map((p) => p.app),
  );
  output.say(fleetPlanText(planned, fleetInput.canaries));
  // What is ignored or run differently (e.g. `spec.mode: native` run standalone), said before anything starts.
  if (notes.length > 0) output.say(fleetNotesText(notes));
  if (input.dryRun) {
    output.data(
      {
        dryRun: true,
        rolloutId: fleetInput.rolloutId,
        plans: planned.map((p) => p.plan),
        ...(notes.length ? { notes } : {}),
      },
      () => '',
    );
    output.say('(dry run: nothing was started)');
    return ExitCode.Success;
  }
  return withTemporal(settings, async (session) => {
    const workflowId = fleetWorkflowId(fleetInput.rolloutId);
    const namespaces = [...new Set(fleetInput.apps.map((a) => a.spec.namespace))];
    const changing = fleetInput.apps.filter((a) => !a.unchanged).length;
    let runId: string;
    try {
      const handle = await session.client.workflow.start('fleet', {
        taskQueue: settings.taskQueue,
        workflowId,
        args: [fleetInput],
        typedSearchAttributes: [
          { key: FlinkOperation, value: FleetOperation },
          ...(namespaces.length === 1 ? [{ key: FlinkNamespace, value: namespaces[0]! }] : []),
        ],
        staticSummary:
          `fleet rollout ${fleetInput.rolloutId}: ${changing} of ` + `${fleetInput.apps.length} applications change`,
        staticDetails: planned.map((p) => `- ${p.plan.app.namespace}/${p.plan.app.name}: ${p.plan.summary}`).join('\n'),
      });
      runId = handle.firstExecutionRunId;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        throw new CliError({
          code: CliErrorCode.OperationInProgress,
          message: `a rollout with the id ${fleetInput.rolloutId} is already running: ${workflowId}`,
          hint: 'Pick another --rollout-id, or follow that one in the Temporal UI.',
        });
      throw err;
    }
    const run = { workflowId, runId, url: workflowUrl(settings, workflowId, runId) };
    output.say(`started fleet rollout ${fleetInput.rolloutId}: ${workflowId} (run ${runId})\n  ${run.url}`);
    if (!input.wait.wait) {
      output.say(`not waiting; approve or abort it with: flink-deploy approve|abort ${fleetInput.rolloutId}`);
      output.data(fleetJson(run, undefined, ExitCode.Success), () => '');
      return ExitCode.Success;
    }
    const waiting = new Waiting(input.io, input.wait.timeoutMs);
    try {
      const last = await followFleet(session, output, workflowId, runId, waiting);
      if (!last?.outcome) {
        const code = waiting.endedBy === WaitEnd.TimedOut ? ExitCode.TimedOut : ExitCode.Interrupted;
        output.say(
          `stopped waiting (${waiting.endedBy ?? 'interrupted'}); the rollout goes on: ${run.url}` +
            (last ? `\n${fleetTable(last)}` : ''),
        );
        output.data(fleetJson(run, last, code), () => '');
        return code;
      }
      const code = exitCodeForFleet(last.outcome);
      output.data(fleetJson(run, last, code), () => fleetTable(last));
      return code;
    } finally {
      waiting.dispose();
    }
  });
}

/**
 * Asks the rollout's query until it has an outcome or the wait ends; prints each change. Between two
 * questions it waits for the rollout's history to grow (long-polled, no Temporal action, where each
 * query is one): its progress changes only in a workflow task, which adds events (a child started or
 * closed, a signal, a timer). Was one query per poll interval for the rollout's whole length.
 */
async function followFleet(
  session: TemporalSession,
  output: Output,
  workflowId: string,
  runId: string,
  waiting: Waiting,
): Promise<FleetProgress | undefined> {
  const handle = session.client.workflow.getHandle(workflowId, runId);
  const history = new RunHistory(session, workflowId, runId);
  const noWorker = new NoWorkerNotice(output, session.settings, 'the rollout');
  const seen = new Map<string, string>();
  let stage = '';
  let last: FleetProgress | undefined;
  for (;;) {
    let progress: FleetProgress | undefined;
    try {
      progress = await session.connection.withDeadline(Date.now() + 5_000, () => handle.query(fleetProgressQuery));
    } catch {
      const status = await handle.describe().then(
        (d) => d.status.name,
        () => 'UNKNOWN',
      );
      // Done: its result is its last progress (a query of a closed run may time out on a loaded worker).
      if (status === 'COMPLETED') progress = (await handle.result()) as FleetProgress;
      else if (status !== 'RUNNING' && status !== 'UNKNOWN')
        throw new CliError({
          code: CliErrorCode.OperationFailed,
          message: `the rollout ${workflowId} ended ${status.toLowerCase()} without an outcome`,
          hint: `See its history: ${workflowUrl(session.settings, workflowId, runId)}`,
        });
      else output.status(`waiting for a worker on task queue ${session.settings.taskQueue} to answer`);
    }
    if (progress) {
      last = progress;
      if (progress.stage !== stage) {
        stage = progress.stage;
        output.progress(new Date(), `rollout ${stage}`, progress.haltReason ? `halted: ${progress.haltReason}` : '');
        if (stage === 'awaiting-approval')
          output.say(
            `the canaries succeeded; waiting for: flink-deploy approve ${progress.rolloutId} ` +
              `(or flink-deploy abort ${progress.rolloutId})`,
          );
      }
      for (const app of progress.apps) {
        const line = fleetAppLine(app);
        const key = `${app.app.namespace}/${app.app.name}`;
        if (seen.get(key) !== line && app.state !== 'pending') output.progress(new Date(), app.state, line);
        seen.set(key, line);
      }
      if (progress.outcome) return progress;
    }
    if (waiting.endedBy) return last;
    await historyGrows(history, waiting, session.settings.pollIntervalMs, noWorker);
    if (waiting.endedBy) return last;
  }
}

/**
 * Returns once the run's history has new events, or the wait ended. A long-poll that found nothing
 * (DEADLINE_EXCEEDED) asks again; any other error (Temporal away) waits one poll interval and returns,
 * so the caller asks the query, as it did before following the history. What the history says of
 * the next workflow task feeds the no-worker notice.
 */
async function historyGrows(
  history: RunHistory,
  waiting: Waiting,
  pollMs: number,
  noWorker: NoWorkerNotice,
): Promise<void> {
  while (!waiting.endedBy) {
    try {
      const news = await history.next(waiting.signal);
      noWorker.saw(news.waitingForWorker);
      if (news.events > 0) return;
    } catch (err) {
      noWorker.check();
      if ((err as { code?: unknown } | null)?.code === 4) continue;
      if (!waiting.endedBy) await waiting.sleep(pollMs);
      return;
    }
  }
}
