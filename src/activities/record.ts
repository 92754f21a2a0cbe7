/**
 * beginOperation and updateRecord: the deployed-state record, written before side effects. The
 * start of an operation, each phase it enters and its end (with the reason) are also told as
 * Kubernetes Events on the application's JobManager Deployment (`kubectl describe deployment
 * <app>-jobmanager`, `kubectl get events`), best effort: an Event is written only by the attempt
 * whose record write landed, so a retried write tells nothing twice.
 */
import { Context } from '@temporalio/activity';
import type { AppRef } from '../contract/app';
import { Outcome } from '../contract/operations';
import { Phase } from '../contract/phases';
import { objectNames } from '../k8s/render';
import { applyChange, applyUpdate, endAlreadyWritten, toDeployedState, type AppRecord } from './record-changes';
import { savepointLeft } from './savepoint-left';
import type { ActivityDeps } from './deps';
import { classified } from './failures';
import { classifiedKeepingAlive } from './keep-alive';
import type { BeginOperationInput, UpdateRecordInput } from './types';
import type { DeployedState } from '../contract/deployed-state';
import { LockHeldError, LockNotHeldError } from '../k8s/state-record/errors';
import { withHolderReleased, withPastOperation } from '../k8s/state-record/lock';
import { savepointsOverBound, withSavepointsBounded } from '../k8s/state-record/bounds';
import type { OperationRecord } from '../k8s/state-record/types';
import { describeRunState, HolderRelease } from '../contract/run-state';
import type { AppSpec } from '../spec/types';

export function recordActivities(deps: ActivityDeps) {
  const store = deps.kube.records;
  const now = () => deps.now?.() ?? new Date();
  /**
   * One Event; a failure to write it is logged, never fails the operation (the record is the truth). On the
   * JobManager Deployment; a session job (it has none) on its `<job>-rest` Service.
   */
  async function announce(
    app: AppRef,
    reason: string,
    message: string,
    warning = false,
    spec?: AppSpec | null,
  ): Promise<void> {
    const names = objectNames(app.name);
    const involved = spec?.sessionJob
      ? { apiVersion: 'v1', kind: 'Service', namespace: app.namespace, name: names.restService }
      : { apiVersion: 'apps/v1', kind: 'Deployment', namespace: app.namespace, name: names.jobManager };
    try {
      await deps.kube.recordEvent({
        involved,
        reason,
        message,
        type: warning ? 'Warning' : 'Normal',
      });
    } catch (err) {
      Context.current().log.warn('could not record a Kubernetes Event', { reason, error: String(err) });
    }
  }
  /** What savepointLeft asks Flink about: the holder's trigger, of the job the record names. */
  function leftInput(input: BeginOperationInput, holder: OperationRecord, record: AppRecord | undefined) {
    return { app: input.app, holder, jobId: record?.jobId, savepoints: record?.savepoints ?? [], now: now() };
  }
  /**
   * The lock's holder run is closed (terminated, timed out, failed without releasing): release
   * the lock on its behalf, checked against Temporal by workflow id AND run id, recorded in the
   * history as `abandoned` and told as an Event. A savepoint it had asked Flink for and never
   * recorded is recorded with the release (savepoint-left.ts). False when the holder still runs
   * (or Temporal does not know it: `flink-deploy unlock` is for that).
   */
  async function releaseClosedHolder(
    input: BeginOperationInput,
    holder: OperationRecord,
    record: AppRecord | undefined,
  ): Promise<boolean> {
    if (!deps.runs) return false;
    const state = await deps.runs.runState(holder.workflowId, holder.runId);
    if (state.kind !== 'closed') return false;
    const left = await savepointLeft(deps, leftInput(input, holder, record));
    const message =
      `lock released by ${input.operation} (workflow ${input.workflowId}): its holder ${holder.type} ` +
      `(workflow ${holder.workflowId}, run ${holder.runId}, phase ${holder.phase}, since ` +
      `${holder.startedAt}) is ${describeRunState(state)}; ${left.seen}`;
    await store.mutateRecord<AppSpec>({
      namespace: input.app.namespace,
      app: input.app.name,
      mutate: (current) => {
        const released = withHolderReleased(
          current,
          {
            namespace: input.app.namespace,
            app: input.app.name,
            workflowId: holder.workflowId,
            runId: holder.runId,
            outcome: HolderRelease.Abandoned,
            message,
          },
          now(),
        );
        // Only with our release: a record another operation released meanwhile is not ours to add to.
        if (released === current || !left.entry) return released;
        return applyChange(released, { kind: 'savepoint-completed', entry: left.entry });
      },
    });
    Context.current().log.warn(message);
    await announce(input.app, 'LockReleased', message, true);
    return true;
  }
  return {
    /**
     * Take the application's lock for this workflow (again, after a crash: same workflow id)
     * and record the intent; answer what the record says. Fails with OperationInProgress when
     * another operation holds it.
     */
    async beginOperation(input: BeginOperationInput): Promise<DeployedState> {
      return classified(`locking ${input.app.namespace}/${input.app.name}`, async () => {
        const before = await store.readRecord<AppSpec>(input.app.namespace, input.app.name);
        // An earlier run of this workflow id holds the lock: it closed without releasing it (terminated, timed
        // out). This run takes the lock over; a savepoint that run asked Flink for and never recorded is recorded.
        const where = { namespace: input.app.namespace, app: input.app.name };
        const held = before?.record.operation;
        const earlier = held?.workflowId === input.workflowId && held.runId !== input.runId ? held : undefined;
        const left = earlier ? await savepointLeft(deps, leftInput(input, earlier, before?.record)) : undefined;
        const entry = left?.entry;
        const takenOver =
          earlier &&
          `${input.operation} (run ${input.runId}) took the lock over from run ${earlier.runId} of its workflow ` +
            `id, closed in phase ${earlier.phase}; ${left?.seen ?? ''}`;
        /**
         * Written with the lock taken over, in its same compare-and-swap (so a retry of this activity, which no
         * longer sees the earlier run, finds them written): that run in the history (`abandoned`, as a closed holder
         * another operation releases) and the savepoint it left. Nothing when another run took the lock meanwhile.
         */
        const alongside = (record: AppRecord, before: OperationRecord | null): AppRecord => {
          if (!earlier || !takenOver || before?.runId !== earlier.runId) return record;
          const past = withPastOperation(
            record,
            before,
            { outcome: HolderRelease.Abandoned, message: takenOver },
            now(),
          );
          return entry ? applyChange(past, { kind: 'savepoint-completed', entry }) : past;
        };
        const take = () =>
          store.acquireLock<AppSpec>({
            ...where,
            workflowId: input.workflowId,
            runId: input.runId,
            operation: input.operation,
            phase: Phase.Locking,
            intent: input.intent,
            alongside,
          });
        let locked: Awaited<ReturnType<typeof take>>;
        try {
          locked = await take();
        } catch (err) {
          const closed = err instanceof LockHeldError && (await releaseClosedHolder(input, err.holder, before?.record));
          if (!closed) throw err;
          locked = await take(); // another operation may have taken it since: LockHeldError again
        }
        if (locked.acquisition === 'acquired') {
          const started = `${input.operation} started (workflow ${input.workflowId})`;
          await announce(input.app, 'OperationStarted', started, false, locked.record.lastAppliedSpec);
        }
        if (takenOver) Context.current().log.warn(takenOver);
        return toDeployedState(before ? locked.record : undefined);
      });
    },

    /** Apply changes (and the end of the operation) under the lock, compare-and-swap. */
    async updateRecord(input: UpdateRecordInput): Promise<void> {
      const doing =
        `recording ${input.changes.map((c) => c.kind).join(', ') || 'the end'} for ` +
        `${input.app.namespace}/${input.app.name}`;
      // Also the first step of heartbeating activities (recordFirst): its reads and writes beat while they run.
      await classifiedKeepingAlive(doing, async () => {
        let ended = false;
        let entered: { phase: string; details?: string } | undefined;
        let startedAt: string | undefined;
        const written = await store.mutateRecord<AppSpec>({
          namespace: input.app.namespace,
          app: input.app.name,
          mutate: (record: AppRecord) => {
            if (endAlreadyWritten(record, input)) return record; // a retry of our end: told before
            if (record.operation?.workflowId !== input.workflowId) {
              throw new LockNotHeldError(
                { namespace: input.app.namespace, app: input.app.name },
                `workflow ${input.workflowId} no longer holds the lock of ${input.app.namespace}/${input.app.name}`,
              );
            }
            ended = input.end !== undefined;
            startedAt = record.operation.startedAt;
            entered = phaseEntered(record, input);
            return withSavepointsBounded(applyUpdate(record, input, now()), deps.config.recordMaxSavepoints);
          },
        });
        // Never dropped to fit the bound: undisposed savepoints and the restore source. Said, not hidden.
        const over = savepointsOverBound(written.record, deps.config.recordMaxSavepoints);
        if (over && written.written) Context.current().log.warn(over);
        if (entered && written.written) {
          const { phase, details } = entered;
          const spec = written.record.lastAppliedSpec;
          await announce(input.app, phase, `${phase}${details ? `: ${details}` : ''}`, false, spec);
        }
        const retry = input.changes.find((c) => c.kind === 'savepoint-retry');
        if (retry?.kind === 'savepoint-retry' && written.written) {
          const spec = written.record.lastAppliedSpec;
          await announce(input.app, 'SavepointRetried', retry.reason, true, spec);
        }
        if (ended && input.end && written.written) {
          const { operation, outcome } = input.end;
          const seconds = Math.max(0, (now().getTime() - Date.parse(startedAt ?? '')) / 1000);
          if (Number.isFinite(seconds)) deps.metrics?.operationEnded({ operation, outcome, seconds });
        }
        if (ended && input.end) {
          const { operation, outcome, message } = input.end;
          const ok = outcome === Outcome.Succeeded || outcome === Outcome.NoChange || outcome === Outcome.Skipped;
          const said = `${operation} ${outcome}: ${message}`;
          await announce(input.app, `Operation${pascal(outcome)}`, said, !ok, written.record.lastAppliedSpec);
        }
      });
    },
  };
}

/** The phase `input` moves the held operation into (none when it is already there: a retried write). */
function phaseEntered(record: AppRecord, input: UpdateRecordInput): { phase: string; details?: string } | undefined {
  const change = input.changes.findLast((c) => c.kind === 'phase');
  if (change?.kind !== 'phase' || !record.operation || record.operation.phase === change.phase) return undefined;
  return { phase: change.phase, details: change.details };
}

/** `rolled-back` → `RolledBack`: an Event reason is CamelCase. */
function pascal(words: string): string {
  return words.replace(/(^|-)(\w)/g, (_m: string, _dash: string, c: string) => c.toUpperCase());
}
