/**
 * observeApplications: the observer's one activity (docs/observer.md). It loops — sweep every
 * deployed-state record, wait the interval, sweep again — heartbeating after each application,
 * and returns only when its time is up (the workflow continues as new) or when a restart must be
 * started. So the Temporal actions a day depend on the interval, never on the number of
 * applications. Per application it reads the job's state, restarts and latest checkpoint, tells
 * changes as Events, writes the record's `observed` field (compare-and-swap, never under the
 * lock) and sets the gauges. An application an operation holds is left alone.
 */
import { Context } from '@temporalio/activity';
import type { AppRef } from '../contract/app';
import { errorCode, hasErrorCode } from '../contract/errors';
import {
  Health,
  HealthEventReason,
  type ObservedHealth,
  type RestartFromCheckpointInput,
} from '../contract/observed-health';
import { FlinkErrorCode, type FlinkRestClient } from '../flink';
import type { KubeFacade } from '../k8s';
import { generationObjectNames, isBlueGreen, objectNames } from '../k8s/render';
import type { DeployStateRecord } from '../k8s/state-record/types';
import type { AppSpec } from '../spec/types';
import { decideOnFailure, judgeHealth, nextObserved, type Observation } from './observe-health';
import type { ObserveInput, ObserveStep, ObserverActivities } from './observe-types';

/**
 * Flink's job states as one gauge value (`flink_deploy_job_state`); docs/observer.md lists them.
 * Never negative: the Temporal runtime's gauges refuse negative values (the set throws).
 */
export const JobStateValue: Record<string, number> = {
  UNREACHABLE: 4,
  RUNNING: 1,
  RESTARTING: 2,
  FAILING: 2,
  FAILED: 3,
};

/** What the observer reports per application and per sweep (the worker wires Prometheus gauges). */
export interface ObserverMetrics {
  application(
    app: AppRef,
    values: { jobState: number; restarts: number; checkpointAgeSeconds?: number; savepointAgeSeconds?: number },
  ): void;
  sweep(values: { durationMs: number; applications: number }): void;
}

export interface ObserverDeps {
  kube: KubeFacade;
  flinkFor(app: AppRef): Promise<FlinkRestClient>;
  metrics?: ObserverMetrics;
  /** Namespaces to observe; unset: all (a ClusterRole that lists ConfigMaps). */
  namespaces?: readonly string[];
  /** Applications read at once in a sweep. @default 8 */
  concurrency?: number;
  now?: () => Date;
}

/** Seconds from `time` to `at`; 0 for a time ahead of this worker's clock (a gauge is never negative). */
export function ageSeconds(at: number, time: string): number {
  return Math.max(0, (at - Date.parse(time)) / 1000);
}

/** The `observed` field is rewritten at least this many intervals apart when nothing changed. */
const REFRESH_INTERVALS = 4;

export function observerActivities(deps: ObserverDeps): ObserverActivities {
  const now = () => (deps.now?.() ?? new Date()).getTime();
  const log = () => Context.current().log;

  async function observe(app: AppRef, jobId: string): Promise<Observation> {
    let flink: FlinkRestClient;
    try {
      flink = await deps.flinkFor(app);
    } catch (err) {
      return { reachable: false, error: (err as Error).message, restarts: 0 };
    }
    const signal = Context.current().cancellationSignal;
    try {
      const details = await flink.jobDetails(jobId, { signal });
      const [exceptions, checkpoints] = await Promise.all([
        flink.jobExceptions(jobId, { signal }),
        flink.checkpoints(jobId, { signal }),
      ]);
      const latest = checkpoints.latestCompleted;
      return {
        reachable: true,
        jobState: details.state,
        startedAt: details['start-time'],
        restarts: exceptions.exceptionHistory.entries.length,
        ...(latest?.externalPath
          ? { lastCheckpoint: { id: latest.id, location: latest.externalPath, completedAt: latest.triggerTimestamp } }
          : {}),
      };
    } catch (err) {
      if (hasErrorCode(err, FlinkErrorCode.NotFound)) return { reachable: true, jobState: 'NOT_FOUND', restarts: 0 };
      return { reachable: false, error: `${errorCode(err) ?? 'error'}: ${(err as Error).message}`, restarts: 0 };
    }
  }

  /**
   * What the Events are about: the live JobManager Deployment (`<app>-jobmanager`, or a blue-green
   * generation's `<app>-g<N>-jobmanager`); a session job's `<job>-rest` Service (it has no Deployment).
   */
  function eventObjectOf(record: DeployStateRecord<AppSpec>): { apiVersion: string; kind: string; name: string } {
    const spec = record.lastAppliedSpec ?? undefined;
    if (spec?.sessionJob) return { apiVersion: 'v1', kind: 'Service', name: objectNames(record.app).restService };
    const name = isBlueGreen(spec)
      ? generationObjectNames(record.app, record.generation).jobManager
      : objectNames(record.app).jobManager;
    return { apiVersion: 'apps/v1', kind: 'Deployment', name };
  }

  async function tell(
    app: AppRef,
    about: { apiVersion: string; kind: string; name: string },
    health: Health,
    message: string,
  ): Promise<void> {
    try {
      await deps.kube.recordEvent({
        involved: { ...about, namespace: app.namespace },
        reason: HealthEventReason[health],
        message,
        type: health === Health.Healthy ? 'Normal' : 'Warning',
        reportingInstance: 'flink-deploy-observer',
      });
    } catch (err) {
      log().warn('could not record a Kubernetes Event', { app, reason: HealthEventReason[health], error: String(err) });
    }
  }

  /** Write `observed` unless an operation took the lock or replaced the job meanwhile (then it is theirs). */
  async function write(app: AppRef, jobId: string, observed: ObservedHealth): Promise<void> {
    try {
      await deps.kube.records.mutateRecord<AppSpec>({
        namespace: app.namespace,
        app: app.name,
        mutate: (r) => (r.operation || r.jobId !== jobId ? r : { ...r, observed }),
      });
    } catch (err) {
      log().warn('could not write the observed health', { app, error: String(err) });
    }
  }

  /** One application: observe, judge, tell, record; a restart to start, if any. */
  async function sweepOne(
    record: DeployStateRecord<AppSpec>,
    intervalMs: number,
  ): Promise<RestartFromCheckpointInput | undefined> {
    const app = { namespace: record.namespace, name: record.app };
    if (record.operation || record.status !== 'running' || !record.jobId) return undefined;
    const jobId = record.jobId;
    const spec = record.lastAppliedSpec;
    const observation = await observe(app, jobId);
    const at = now();
    const previous = record.observed;
    const judged = judgeHealth({ observation, previous, jobId, spec, now: at });
    const observed = nextObserved({ previous, jobId, judged, observation, now: at });
    const changed = judged.health !== (previous?.health ?? Health.Healthy);
    const about = eventObjectOf(record);
    if (changed) await tell(app, about, judged.health, `${judged.message} (was ${previous?.health ?? Health.Healthy})`);
    const stale = !previous || at - Date.parse(previous.observedAt) >= REFRESH_INTERVALS * intervalMs;
    if (changed || stale || previous?.jobId !== jobId) await write(app, jobId, observed);
    // A registered savepoint (not taken of this job) says nothing of how old the job's last savepoint is.
    const savepoint = record.savepoints.filter((s) => !s.disposed && s.kind !== 'registered').at(-1);
    deps.metrics?.application(app, {
      jobState: observation.reachable ? (JobStateValue[observation.jobState ?? ''] ?? 0) : JobStateValue.UNREACHABLE!,
      restarts: observed.restarts,
      ...(observed.lastCheckpoint ? { checkpointAgeSeconds: ageSeconds(at, observed.lastCheckpoint.completedAt) } : {}),
      ...(savepoint ? { savepointAgeSeconds: ageSeconds(at, savepoint.time) } : {}),
    });
    const newlyFailed = previous?.health !== Health.Failed || previous.jobId !== jobId;
    const decision = decideOnFailure({
      health: judged.health,
      newlyFailed,
      spec,
      checkpoint: observed.lastCheckpoint?.location,
      history: record.history,
      now: at,
    });
    if (decision.kind === 'alert' && decision.why)
      await tell(app, about, Health.Failed, `job ${jobId} FAILED, ${decision.why}`);
    if (decision.kind !== 'restart') return undefined;
    return {
      app,
      failedJobId: jobId,
      checkpoint: decision.checkpoint,
      reason: `job ${jobId} FAILED; spec.flinkDeploy.onJobFailure: restart`,
    };
  }

  /** One sweep of every record, a few applications at a time, heartbeating after each. */
  async function sweep(intervalMs: number, sweeps: number): Promise<RestartFromCheckpointInput[]> {
    const started = now();
    const listed = await deps.kube.records.listRecords<AppSpec>(deps.namespaces);
    const records = listed.flatMap((r) => {
      if (r instanceof Error) {
        log().warn('skipping an unreadable deployed-state record', { error: r.message });
        return [];
      }
      return [r.record];
    });
    const restarts: RestartFromCheckpointInput[] = [];
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < records.length; i = next++) {
        const record = records[i]!;
        try {
          const restart = await sweepOne(record, intervalMs);
          if (restart) restarts.push(restart);
        } catch (err) {
          log().warn('could not observe an application', {
            app: `${record.namespace}/${record.app}`,
            error: String(err),
          });
        }
        Context.current().heartbeat({ sweeps, swept: i + 1, of: records.length });
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, deps.concurrency ?? 8) }, lane));
    deps.metrics?.sweep({ durationMs: now() - started, applications: records.length });
    return restarts;
  }

  return {
    async observeApplications(input: ObserveInput): Promise<ObserveStep> {
      const began = now();
      const ctx = Context.current();
      for (let sweeps = 1; ; sweeps++) {
        const started = now();
        const restarts = await sweep(input.intervalMs, sweeps);
        ctx.heartbeat({ sweeps });
        if (restarts.length > 0 || now() - began >= input.runForMs) return { sweeps, restarts };
        const wait = Math.max(0, input.intervalMs - (now() - started));
        // Context.sleep rejects on cancellation (the workflow was cancelled or the worker shuts down).
        await ctx.sleep(wait);
      }
    },
  };
}
