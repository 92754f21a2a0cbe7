/**
 * The invariants checked after every run of a cell (issue 12), each from Flink, Kubernetes, Temporal's
 * history and the job's output files, never from our record alone (the record is compared with them).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { AppSpec } from '../../../src/spec/types';
import { apps, core, eventually, flinkOf, kube, readRecord, sameLocation, type CliResult } from '../../support/e2e';
import type { TwoJobsSeen } from '../../support/two-jobs-watcher';
import type { OperationScenario, RunContext } from './operations';
import type { FaultName } from './cells';
import type { InvariantResult } from './results';
import { continuityInvariant as judgeContinuity } from './continuity';
import { triggerIdsOf, type TriggerIds } from './trigger-ids';

/** The CLI's JSON document (`--output json`): its last line that parses. */
export interface CliDocument {
  status?: string;
  outcome?: string;
  exitCode?: number;
  message?: string;
}

export function cliDocument(result: CliResult): CliDocument {
  for (const line of result.stdout.trim().split('\n').reverse()) {
    try {
      return JSON.parse(line) as CliDocument;
    } catch {
      continue;
    }
  }
  try {
    return JSON.parse(result.stdout) as CliDocument;
  } catch {
    return {};
  }
}

const exitCodeOf: Record<string, number> = { succeeded: 0, 'no-change': 0, 'rolled-back': 3, failed: 1, cancelled: 1 };

const inv = (name: string, ok: boolean, evidence: string): InvariantResult => ({ name, ok, evidence });

export interface RunOutcome {
  scenario: OperationScenario;
  /** The cell's fault (the continuity a rolled-back run must show depends on it). */
  fault: FaultName;
  run: RunContext;
  cli: CliResult;
  accepted: string[];
  seen: TwoJobsSeen;
  client: Client;
  /** A cancel stopped the run short of its operation's outcome (`stoppedShort`): judged where it started. */
  stoppedShort: boolean;
}

/**
 * A run a cancel stopped short of its operation's own outcome (`cancelled`, or an upgrade `rolled-back`): the
 * application is where the operation started, not where it would have ended.
 */
export function stoppedShort(o: Pick<RunOutcome, 'fault' | 'scenario' | 'cli'>): boolean {
  return o.fault === 'cancel' && !o.scenario.accepted.includes(cliDocument(o.cli).outcome ?? '');
}

/** Outcome right for the fault, and the CLI's exit code agreeing with it. */
export function outcomeInvariants(o: RunOutcome): InvariantResult[] {
  const doc = cliDocument(o.cli);
  const outcome = doc.outcome ?? 'unknown';
  return [
    inv(
      'outcome',
      o.accepted.includes(outcome),
      `outcome ${outcome} (accepted: ${o.accepted.join(', ')}): ${doc.message ?? o.cli.stderr.slice(0, 300)}`,
    ),
    inv(
      'exit-code',
      exitCodeOf[outcome] === o.cli.code,
      `exit ${o.cli.code} for outcome ${outcome} (expected ${exitCodeOf[outcome] ?? '?'})`,
    ),
  ];
}

/**
 * The CLI that waited on a run terminated under it says so and fails (exit 1, JSON status `terminated`): nothing was
 * recorded as its end (docs/cli.md).
 */
export function terminatedRunInvariant(cli: CliResult): InvariantResult {
  const doc = cliDocument(cli);
  return inv(
    'terminated-run-said',
    doc.status === 'terminated' && cli.code === 1,
    `the terminated run's CLI: exit ${cli.code}, status ${doc.status ?? 'unknown'}: ${cli.stderr.trim().slice(-300)}`,
  );
}

/** The record of `app`, or undefined once it is deleted. */
async function recordOrNone(namespace: string, app: string) {
  return (await kube.records.readRecord<AppSpec>(namespace, app))?.record;
}

/** A Flink client of `app`'s JobManager (a session cluster's, or a session job's through `<job>-rest`) that answers. */
function answering(namespace: string, app: string) {
  // A JobManager just restarted answers 503 during its leader election: ask again for up to 2 minutes.
  return eventually(`Flink REST of ${app} answering`, () =>
    flinkOf(namespace, app).then(
      (f) => f.listJobs().then(() => f),
      () => undefined,
    ),
  );
}

/** Objects of `app` left in its namespace: Deployments, Services and ConfigMaps named `<app>-…` (HA ones too). */
async function objectsLeft(namespace: string, app: string): Promise<string[]> {
  const named = (items: { metadata?: { name?: string } }[], kind: string) =>
    items
      .map((i) => i.metadata?.name ?? '')
      .filter((n) => n.startsWith(`${app}-`))
      .map((n) => `${kind}/${n}`);
  return [
    ...named((await apps.listNamespacedDeployment({ namespace })).items, 'deployment'),
    ...named((await core.listNamespacedService({ namespace })).items, 'service'),
    ...named((await core.listNamespacedConfigMap({ namespace })).items, 'configmap'),
  ];
}

/** Flink and Kubernetes show the end state the outcome claims; the restore is the recorded one or newer. */
export async function endStateInvariants(o: RunOutcome): Promise<InvariantResult[]> {
  const { env, app } = o.run;
  // A session job's JobManager is its cluster's (the job's Flink calls go through `<job>-rest` to it).
  const cluster = o.scenario.sessionCluster?.(o.run);
  const jobManagersOf = cluster ?? app;
  const jms = (
    await core.listNamespacedPod({
      namespace: env.namespace,
      labelSelector: `app.kubernetes.io/instance=${jobManagersOf},app.kubernetes.io/component=jobmanager`,
    })
  ).items.filter((p) => !p.metadata?.deletionTimestamp);
  if (o.stoppedShort) return [await stoppedShortState(o, jms.length, jobManagersOf)];
  if (o.scenario.end === 'deleted') {
    const [record, left] = [await recordOrNone(env.namespace, app), await objectsLeft(env.namespace, app)];
    return [
      inv(
        'end-state',
        jms.length === 0 && !record && left.length === 0,
        `${jms.length} JobManager pods, record ${record ? record.status : 'deleted'}, objects left ` +
          `${left.join(', ') || 'none'}`,
      ),
    ];
  }
  const record = await readRecord(env.namespace, app);
  if (o.scenario.end === 'suspended' && cluster) {
    // A session job suspended: its cluster runs on, and no job of it is RUNNING there (it runs no other job).
    const running = (await (await answering(env.namespace, cluster)).jobsOverview()).filter(
      (j) => j.state === 'RUNNING',
    );
    return [
      inv(
        'end-state',
        jms.length === 1 && record.status === 'suspended' && running.length === 0,
        `${jms.length} JobManager pods of cluster ${cluster}, record ${record.status}, RUNNING jobs on it ` +
          `${running.map((j) => j.jid).join(', ') || 'none'}`,
      ),
    ];
  }
  if (o.scenario.end === 'suspended') {
    return [
      inv(
        'end-state',
        jms.length === 0 && record.status === 'suspended',
        `${jms.length} JobManager pods, record ${record.status}`,
      ),
    ];
  }
  const flink = await answering(env.namespace, app);
  if (o.scenario.jobless) {
    // A session cluster with no job: up when its TaskManager's slots are registered (4 on one TaskManager).
    const overview = await flink.overview();
    return [
      inv(
        'end-state',
        jms.length === 1 && record.status === 'running' && overview['slots-total'] >= 4,
        `${jms.length} JobManager pods, record ${record.status}, ${overview.taskmanagers} TaskManagers with ` +
          `${overview['slots-total']} slots`,
      ),
    ];
  }
  const state = record.jobId ? (await flink.jobDetails(record.jobId)).state : 'no job id recorded';
  const out = [
    inv(
      'end-state',
      jms.length === 1 && state === 'RUNNING',
      `${jms.length} JobManager pods, job ${record.jobId} ${state}`,
    ),
  ];
  if (o.scenario.restores && record.jobId) {
    const restored = (await flink.checkpoints(record.jobId)).latestRestored;
    const fromRecorded = sameLocation(restored?.externalPath, record.restoredFrom);
    // A failover after the restore restores the job's own newer checkpoint (its path names the job).
    const newerCheckpoint = !restored?.isSavepoint && (restored?.externalPath ?? '').includes(record.jobId);
    out.push(
      inv(
        'restored-from-recorded',
        !!restored && (fromRecorded || newerCheckpoint),
        `Flink restored ${restored?.externalPath ?? 'nothing'}, record restoredFrom ${record.restoredFrom}`,
      ),
    );
  }
  return out;
}

/** A job's state once it is past starting (a cancelled deploy's job may still be INITIALIZING): 2 minutes at most. */
async function stateOnceStarted(flink: Awaited<ReturnType<typeof flinkOf>>, jobId: string): Promise<string> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { state } = await flink.jobDetails(jobId);
    if (!['INITIALIZING', 'CREATED'].includes(state) || Date.now() > deadline) return state;
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/**
 * Where a cancel left the application: a job that ran before runs (one JobManager, the recorded job RUNNING:
 * a cancel never leaves it down); else (never deployed, suspended, a session cluster) at most one JobManager,
 * whose job, if the record names one, is RUNNING. The next operation (lockInvariant) must lead on from there.
 */
async function stoppedShortState(o: RunOutcome, jms: number, jobManagersOf: string): Promise<InvariantResult> {
  const { env, app } = o.run;
  const record = await recordOrNone(env.namespace, app);
  const jobId = o.scenario.jobless ? undefined : (record?.jobId ?? undefined);
  const state = jobId && jms > 0 ? await stateOnceStarted(await answering(env.namespace, jobManagersOf), jobId) : '-';
  const mustRun = o.scenario.start === 'running' && !o.scenario.jobless;
  const ok = mustRun ? jms === 1 && state === 'RUNNING' : jms <= 1 && (jms === 0 || !jobId || state === 'RUNNING');
  return inv(
    'end-state',
    ok,
    `stopped short (started ${o.scenario.start}${o.scenario.jobless ? ', no job' : ''}): ${jms} JobManager pods, ` +
      `record ${record?.status ?? 'none'}, job ${jobId ?? '-'} ${state}`,
  );
}

/**
 * State continuity from the job's output (continuity.ts; the rolled-back rule there takes the fault's relaxation,
 * and every rule a failover to a checkpoint Flink reported during the run).
 */
export function continuityInvariant(o: RunOutcome): InvariantResult {
  return judgeContinuity({
    kind: o.scenario.continuity,
    outcome: cliDocument(o.cli).outcome,
    fault: o.fault,
    run: o.run,
    stoppedShort: o.stoppedShort ? (o.scenario.jobless ? 'none' : o.scenario.start) : undefined,
    failovers: o.seen.restores.filter((r) => r.failover),
  });
}

/**
 * Never two JobManagers of one generation nor two RUNNING jobs at any 250 ms sample, and the watcher
 * reached Flink (`nothingRanBefore`: unless a cancel stopped the run short before a job of it answered).
 * (Blue/green starts the next generation's JobManager beside the running one by design; the job runs on one
 * of them at a time.)
 */
export function twoJobsInvariant(seen: TwoJobsSeen, nothingRanBefore = false): InvariantResult {
  // A run a cancel stopped short, of an application with no job before (never deployed, suspended), may end
  // before its JobManager ever answered: nothing for the watcher to reach (Kubernetes' pods are still counted).
  const reached = seen.answeredSamples > 0 || nothingRanBefore;
  return inv(
    'one-jobmanager-one-job',
    seen.maxLiveJobManagersOfOneGeneration <= 1 && seen.maxRunningJobs <= 1 && reached,
    `${seen.samples} samples (${seen.answeredSamples} answered, ${seen.failedCalls} failed calls): at most ` +
      `${seen.maxLiveJobManagersOfOneGeneration} live JobManager pods of one generation ` +
      `(${seen.maxLiveJobManagers} of all, ${seen.maxJobManagers} with terminating ones), ` +
      `${seen.maxRunningJobs} RUNNING jobs; jobs seen ${[...seen.runningJobIds].join(', ')}`,
  );
}

/**
 * One savepoint per trigger id (every `takeSavepoint` the run scheduled carries the trigger id recorded last before
 * it, in the lock's intent or a `savepoint-retry` change, and that id is a savepoint the record holds once, unless a
 * recorded retry replaced it after Flink failed it in a failover), and every savepoint folder on disk is a
 * recorded, undisposed entry (no orphan).
 */
export async function savepointInvariants(
  o: RunOutcome,
  workflowId: string | undefined,
  runsSince?: Date,
): Promise<InvariantResult[]> {
  const { env, app } = o.run;
  // A deleted session cluster has no record (and never had a savepoint).
  const record = (await recordOrNone(env.namespace, app)) ?? { savepoints: [] };
  const out: InvariantResult[] = [];
  const triggerIds = record.savepoints.map((s) => s.triggerId).filter((t): t is string => !!t);
  const duplicates = triggerIds.filter((t, i) => triggerIds.indexOf(t) !== i);
  const ids: TriggerIds = { scheduled: [], superseded: [], unannounced: [] };
  for (const runId of workflowId ? await runsOf(o.client, workflowId, runsSince) : []) {
    const events = (await o.client.workflow.getHandle(workflowId!, runId).fetchHistory()).events ?? [];
    const ofRun = triggerIdsOf(
      events
        .map((e) => e.activityTaskScheduledEventAttributes)
        .filter((a) => ['beginOperation', 'updateRecord', 'takeSavepoint'].includes(a?.activityType?.name ?? ''))
        .map((a) => ({
          activity: a!.activityType!.name!,
          input: defaultPayloadConverter.fromPayload<unknown>(a!.input!.payloads![0]!),
        })),
    );
    ids.scheduled.push(...ofRun.scheduled);
    ids.superseded.push(...ofRun.superseded);
    ids.unannounced.push(...ofRun.unannounced);
  }
  const { scheduled, superseded, unannounced } = ids;
  // A trigger Flink failed in a failover, replaced by a recorded new one (savepoint-retry), took no savepoint.
  const unrecorded = [...new Set(scheduled)].filter((t) => !triggerIds.includes(t) && !superseded.includes(t));
  out.push(
    inv(
      'one-savepoint-per-trigger',
      duplicates.length === 0 && unrecorded.length === 0 && unannounced.length === 0,
      `${scheduled.length} takeSavepoint scheduled (trigger ids ${[...new Set(scheduled)].join(', ') || '-'}), ` +
        `${triggerIds.length} recorded; duplicates ${duplicates.join(', ') || 'none'}; ` +
        `unrecorded ${unrecorded.join(', ') || 'none'}; ` +
        `replaced after a failover ${superseded.join(', ') || 'none'}; ` +
        `not the recorded id when scheduled ${unannounced.join(', ') || 'none'}`,
    ),
  );
  const dir = path.join(env.dir, app, 'savepoints');
  const onDisk = existsSync(dir) ? readdirSync(dir).filter((d) => d.startsWith('savepoint-')) : [];
  const live = record.savepoints
    .filter((s) => !s.disposed && s.kind !== 'checkpoint')
    .map((s) => path.basename(s.location.replace(/\/+$/, '')));
  const orphans = onDisk.filter((d) => !live.includes(d));
  const lost = live.filter((d) => !onDisk.includes(d));
  out.push(
    inv(
      'savepoints-on-disk-recorded',
      orphans.length === 0 && lost.length === 0,
      `${onDisk.length} on disk, ${live.length} recorded undisposed; orphans ${orphans.join(', ') || 'none'}; ` +
        `recorded but missing ${lost.join(', ') || 'none'}`,
    ),
  );
  return out;
}

/**
 * The runs of `workflowId` to read: its latest (undefined: `since` not given), or every run started since `since`
 * (a session cluster's upgrade suspends and resumes its job in child runs under the job's workflow id).
 */
async function runsOf(client: Client, workflowId: string, since: Date | undefined): Promise<(string | undefined)[]> {
  if (!since) return [undefined];
  const runs: string[] = [];
  const query = `WorkflowId = '${workflowId}' AND StartTime >= '${since.toISOString()}'`;
  for await (const run of client.workflow.list({ query })) runs.push(run.runId);
  return runs;
}

/** The lock is released (a session job's and its cluster's), and the next operation on the application runs. */
export async function lockInvariant(o: RunOutcome): Promise<InvariantResult> {
  const { env, app } = o.run;
  // Deleted: no record, no lock.
  const lock = (await recordOrNone(env.namespace, app))?.operation;
  const cluster = o.scenario.sessionCluster?.(o.run);
  const clusterLock = cluster ? (await readRecord(env.namespace, cluster)).operation : undefined;
  const held =
    (lock ? `held by ${JSON.stringify(lock).slice(0, 200)}` : 'released') +
    (clusterLock ? `; cluster ${cluster}'s held by ${JSON.stringify(clusterLock).slice(0, 200)}` : '');
  // A running job: a savepoint of it; else (a cluster with no job, a job suspended or deleted) its manifest applied.
  // Stopped short by a cancel: the manifest the operation applied (or the last stable one) applied again, which
  // finishes what was cancelled (an upgrade runs again: minutes).
  const short = o.stoppedShort;
  const savepoint = o.scenario.end === 'running' && !o.scenario.jobless && !short;
  const timeout = short ? '10m' : '3m';
  const next = savepoint
    ? await env.cli(['savepoint', app, '-n', env.namespace, '--wait', '--timeout', timeout, '--output', 'json'])
    : await env.cli(['apply', '-f', o.run.lastManifest, '--wait', '--timeout', timeout, '--output', 'json']);
  const doc = cliDocument(next);
  return inv(
    'lock-released-next-runs',
    !lock && !clusterLock && next.code === 0,
    `lock ${held}; next operation (${savepoint ? 'savepoint' : 'apply'}) exit ${next.code} ${doc.outcome ?? ''}`,
  );
}
