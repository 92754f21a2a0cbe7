/**
 * `status <app>`: the deployed and stable spec (summary), the job, the last savepoints and the
 * operation in progress with its phase and UI link.
 */
import { Command } from 'commander';
import { SettingGroup, type Settings } from '../../config/settings';
import type { DeployStateRecord } from '../../k8s/state-record/types';
import type { AppSpec } from '../../spec/types';
import { operationWorkflowId } from '../../contract/ids';
import type { AppRef } from '../../contract/app';
import { appRefOf } from '../app-ref';
import { action, type CliContext } from '../command-kit';
import { readDeployedRecord } from '../deployed-state';
import { readJobState, type JobStateView } from '../job-state';
import { nextStep, type NextStep } from '../next-step';
import { CliError, CliErrorCode } from '../errors';
import { ExitCode } from '../exit-codes';
import { progressModule, runLookup } from '../lazy-modules';
import { PROGRESS_QUERY_TIMEOUT_MS } from '../follow-operation';
import { workflowUrl } from '../links';
import { addAppNamespaceOption, addOutputOption, addSettingOptions, settingsOf } from '../options';
import { describeIfAny, withTemporal } from '../temporal-client';
import { observedLines, observedView, type ObservedView } from '../observed-view';
import { describeRunState, type RunState } from '../../contract/run-state';

/** A spec in one line. */
export function specSummary(spec: AppSpec | null | undefined): string | undefined {
  if (!spec) return undefined;
  // A session job runs on its session cluster's image.
  const where = spec.sessionJob ? `on session cluster ${spec.sessionJob.deploymentName}` : `image ${spec.image}`;
  return (
    `${where}, ${spec.job.jarURI}, parallelism ${spec.job.parallelism}, upgradeMode ` +
    `${spec.job.upgradeMode}, state ${spec.job.state}`
  );
}

/** The JSON document of `status`. */
export interface StatusJson {
  app: AppRef;
  deployed: boolean;
  status?: string;
  generation?: number;
  jobId?: string | null;
  /** What Flink says of that job (state), or why it could not be asked. */
  job?: JobStateView;
  restoredFrom?: string | null;
  deployedSpec?: string;
  stableSpec?: string;
  savepoints: { location: string; time: string; kind: string; disposed: boolean }[];
  /** The operation holding the application, from Temporal (phase from its progress query). */
  operation: {
    workflowId: string;
    runId: string;
    type: string;
    phase?: string;
    /** `record` when no worker answered the progress query and the phase is the record's `operation.phase`. */
    phaseFrom?: 'worker' | 'record';
    details?: string;
    since?: string;
    url: string;
  } | null;
  /**
   * The record's lock when its holder is not the operation above (a scheduled savepoint, or a
   * run that is closed): who holds it and whether its run still runs.
   */
  lock?: { workflowId: string; runId: string; type: string; phase: string; since: string; run: string };
  lastOperation?: { type: string; outcome: string; endedAt: string; message?: string; workflowId: string };
  /** Set when the cluster could not be read. */
  recordError?: string;
  /** What the observer last saw (docs/observer.md). */
  observed?: ObservedView;
  /** The command that leads on, and why (docs/recovery.md). */
  nextStep: NextStep;
}

async function operationStatus(
  settings: Settings,
  app: AppRef,
): Promise<{ operation: StatusJson['operation']; ever: boolean }> {
  return withTemporal(settings, async (session) => {
    const workflowId = operationWorkflowId(app);
    const handle = session.client.workflow.getHandle(workflowId);
    const description = await describeIfAny(handle);
    if (!description) return { operation: null, ever: false };
    if (description.status.name !== 'RUNNING') return { operation: null, ever: true };
    const progress = await session.connection
      .withDeadline(Date.now() + PROGRESS_QUERY_TIMEOUT_MS, () => handle.query(progressModule().progressQuery))
      .catch(() => undefined);
    return {
      ever: true,
      operation: {
        workflowId,
        runId: description.runId,
        type: progress?.operation ?? description.type,
        phase: progress?.phase,
        phaseFrom: progress ? 'worker' : undefined,
        details: progress?.details,
        since: description.startTime.toISOString(),
        url: workflowUrl(settings, workflowId, description.runId),
      },
    };
  });
}

export function statusJson(
  app: AppRef,
  record: DeployStateRecord<AppSpec> | undefined,
  operation: StatusJson['operation'],
  recordError?: string,
  job?: JobStateView,
  holderRun?: RunState,
): StatusJson {
  const held = record?.operation;
  const lock =
    held && held.runId !== operation?.runId
      ? {
          workflowId: held.workflowId,
          runId: held.runId,
          type: held.type,
          phase: held.phase,
          since: held.startedAt,
          run: holderRun ? describeRunState(holderRun) : 'not known (Temporal not asked)',
        }
      : undefined;
  const last = record?.history.at(-1);
  // No worker answers: the phase the workflow recorded before its last side effect still tells where it is.
  const recordedPhase = record?.operation?.workflowId === operation?.workflowId ? record?.operation?.phase : undefined;
  if (operation && !operation.phase && recordedPhase)
    operation = { ...operation, phase: recordedPhase, phaseFrom: 'record' };
  return {
    app,
    deployed: record !== undefined && record.generation > 0,
    status: record?.status,
    generation: record?.generation,
    jobId: record?.jobId,
    job,
    restoredFrom: record?.restoredFrom,
    deployedSpec: specSummary(record?.lastAppliedSpec),
    stableSpec: specSummary(record?.lastStableSpec),
    savepoints: (record?.savepoints ?? [])
      .slice(-5)
      .reverse()
      .map(({ location, time, kind, disposed }) => ({ location, time, kind, disposed })),
    operation,
    ...(lock ? { lock } : {}),
    lastOperation: last && {
      type: last.type,
      outcome: last.outcome,
      endedAt: last.endedAt,
      message: last.message,
      workflowId: last.workflowId,
    },
    recordError,
    // The observer's last look (issue 10 §3).
    observed: observedView(record?.observed, record?.jobId, Date.now()),
    nextStep: nextStep({ app, record, operation, job, recordError }),
  };
}

const noWorker = 'no worker answers its progress query: none is running on the task queue, or it is restarting';

export function statusText(status: StatusJson): string {
  const lines = [`application ${status.app.namespace}/${status.app.name}`];
  if (status.recordError) lines.push(`  deployed state: unavailable (${status.recordError})`);
  else if (!status.status) lines.push('  deployed state: none (never applied)');
  else {
    lines.push(
      `  status:      ${status.status}, generation ${status.generation}${status.jobId ? `, job ${status.jobId}` : ''}`,
    );
    if (status.job) lines.push(`  job (Flink): ${status.job.state ?? `unknown (${status.job.error ?? 'no answer'})`}`);
    if (status.deployedSpec) lines.push(`  deployed:    ${status.deployedSpec}`);
    if (status.stableSpec) lines.push(`  stable:      ${status.stableSpec}`);
    if (status.restoredFrom) lines.push(`  restored from ${status.restoredFrom}`);
    // The observer's last look (issue 10 §3).
    if (status.status === 'running') lines.push(...observedLines(status.observed));
  }
  if (status.savepoints.length) {
    lines.push('  savepoints (newest first):');
    for (const sp of status.savepoints)
      lines.push(`    ${sp.time}  ${sp.kind.padEnd(10)} ${sp.location}${sp.disposed ? '  (disposed)' : ''}`);
  }
  if (status.operation) {
    lines.push(
      `  in progress: ${status.operation.type}, phase ` +
        (status.operation.phase
          ? `${status.operation.phase}` + (status.operation.phaseFrom === 'record' ? ` (as recorded; ${noWorker})` : '')
          : `unknown (${noWorker})`) +
        `${status.operation.details ? ` — ${status.operation.details}` : ''} ` +
        `(since ${status.operation.since})`,
    );
    lines.push(`    ${status.operation.url}`);
  } else lines.push('  in progress: nothing');
  if (status.lock) {
    const l = status.lock;
    const way =
      l.run === 'running'
        ? ''
        : `; the next operation releases it when its run is closed, or \`flink-deploy unlock ` +
          `${status.app.name} -n ${status.app.namespace}\``;
    lines.push(
      `  lock:        held by ${l.type} (workflow ${l.workflowId}, run ${l.runId}), phase ${l.phase}, ` +
        `since ${l.since}; its run is ${l.run}${way}`,
    );
  }
  if (status.lastOperation)
    lines.push(
      `  last operation: ${status.lastOperation.type} ${status.lastOperation.outcome} at ` +
        `${status.lastOperation.endedAt}${status.lastOperation.message ? `: ${status.lastOperation.message}` : ''}`,
    );
  lines.push(`  next step:   ${status.nextStep.command}`, `    ${status.nextStep.why}`);
  return lines.join('\n');
}

export function statusCommand(ctx: CliContext): Command {
  const command = new Command('status')
    .argument('<app>', 'application name')
    .description('show the deployed and stable spec, the job, the last savepoints and the operation in progress');
  addAppNamespaceOption(command);
  addOutputOption(command);
  addSettingOptions(command, [SettingGroup.Temporal, SettingGroup.Kubernetes]);
  return command.action(
    action(ctx, command, async (output, [name = '']) => {
      const app = appRefOf(command, name);
      const settings = settingsOf(command, ctx.io);
      let record: DeployStateRecord<AppSpec> | undefined;
      let recordError: string | undefined;
      try {
        record = await readDeployedRecord(settings, app);
      } catch (err) {
        if (err instanceof CliError && err.exitCode === ExitCode.InvalidInput) throw err; // e.g. no kubeconfig
        recordError = (err as Error).message;
      }
      const { operation, ever } = await operationStatus(settings, app);
      if (!record && !ever && !recordError) {
        throw new CliError({
          code: CliErrorCode.NotFound,
          message: `${app.namespace}/${app.name} is not known: no deployed state and no operation`,
          hint: 'Check the name and -n namespace, or deploy it with `flink-deploy apply -f`.',
        });
      }
      const job = record?.jobId ? await readJobState(settings, app, record.jobId) : undefined;
      const held = record?.operation;
      const holderRun =
        held && held.runId !== operation?.runId
          ? await withTemporal(settings, (session) =>
              runLookup().runStateOf(session.client, held.workflowId, held.runId),
            )
          : undefined;
      const status = statusJson(app, record, operation, recordError, job, holderRun);
      output.data(status, () => statusText(status));
      return ExitCode.Success;
    }),
  );
}
