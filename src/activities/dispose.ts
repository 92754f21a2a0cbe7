/**
 * Disposing savepoints beyond the retention policy, after the operation has released its lock:
 * - `endAndDispose` (periodic and manual savepoint runs, patch `dispose-with-end`): ONE activity
 *   writes the run's end (the disposals planned in the record by the same write, so they are
 *   recorded before they happen) and then disposes them: one Temporal action fewer per run.
 * - `disposeSavepoints`: the disposals alone, for runs started before that patch.
 * Each disposal goes to Flink and its result is written to the record as it ends: a failed one
 * stays pending (with its error) and the next run retries it; one Flink finds nothing of is
 * recorded as disposed. A cancellation (the worker shutting down) is thrown, never recorded as a
 * failed disposal: Flink may already have deleted the files, and the retry asks it again.
 */
import { Context } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import { cancellationOf } from './failures';
import { activitySignal, pollUntil } from './poll';
import { recordActivities } from './record';
import { markDisposal } from './record-changes';
import { withSavepointsBounded } from '../k8s/state-record/bounds';
import type { DisposeResult, DisposeSavepointsInput, EndAndDisposeInput } from './types';
import type { AppSpec } from '../spec/types';

export function disposalActivities(deps: ActivityDeps) {
  const records = recordActivities(deps);

  /** Disposes each location through Flink, recording each result as it ends (see the module comment). */
  async function disposeEach(input: DisposeSavepointsInput): Promise<DisposeResult> {
    const result: DisposeResult = { disposed: [], failed: [] };
    if (input.locations.length === 0) return result;
    const flink = await deps.flinkFor(input.app);
    const signal = activitySignal();
    const ctx = Context.current();
    for (const location of input.locations) {
      ctx.heartbeat(`disposing ${location}`);
      let error: string | undefined;
      try {
        const { triggerId } = await flink.disposeSavepoint({ savepointPath: location }, { signal });
        const outcome = await pollUntil({
          intervalMs: deps.config.pollIntervalMs,
          deadline: Date.now() + deps.config.disposalTimeoutMs,
          onDeadline: () => new Error(`disposal did not finish within ${deps.config.disposalTimeoutMs / 1000}s`),
          check: async () => {
            const s = await flink.disposalStatus(triggerId, { signal });
            return s.kind === 'pending' ? { done: false, seen: `disposing ${location}` } : { done: true, value: s };
          },
        });
        if (outcome.kind === 'failed') error = outcome.cause;
        else if (outcome.kind === 'not-found') ctx.log.info(`${location}: already gone (${outcome.cause})`);
      } catch (err) {
        // Cancelled (the worker shutting down, the run cancelled): not a failed disposal. The retry on
        // another worker asks Flink again and records what it answers ("not found" is disposed).
        const cancelled = cancellationOf(`disposing ${location}`);
        if (cancelled) throw cancelled;
        error = (err as Error).message;
      }
      await deps.kube.records.mutateRecord<AppSpec>({
        namespace: input.app.namespace,
        app: input.app.name,
        mutate: (r) => withSavepointsBounded(markDisposal(r, location, error), deps.config.recordMaxSavepoints),
      });
      if (error) result.failed.push({ location, error });
      else result.disposed.push(location);
    }
    return result;
  }

  return {
    /** The disposals alone (runs started before `dispose-with-end`); see the module comment. */
    disposeSavepoints: disposeEach,

    /**
     * The run's end (its last changes, the disposals planned among them, the lock released), then
     * the disposals. A retry (worker shutdown mid-disposal, a lost answer) finds its end already
     * written (by run id: another operation may hold the lock by then) and disposes only what the
     * record does not say is disposed yet.
     */
    async endAndDispose(input: EndAndDisposeInput): Promise<DisposeResult> {
      const { dispose, ...end } = input;
      Context.current().heartbeat('recording the end');
      await records.updateRecord(end);
      const read = await deps.kube.records.readRecord<AppSpec>(input.app.namespace, input.app.name);
      const alreadyDisposed = new Set(read?.record.savepoints.filter((s) => s.disposed).map((s) => s.location));
      const rest = await disposeEach({ app: input.app, locations: dispose.filter((l) => !alreadyDisposed.has(l)) });
      return { ...rest, disposed: dispose.filter((l) => alreadyDisposed.has(l) || rest.disposed.includes(l)) };
    },
  };
}
