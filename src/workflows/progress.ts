/**
 * Progress of the running operation: the phase as a search attribute, the current details in
 * words (Temporal UI "current details"), and the `progress` query.
 */
import { patched, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { progressQuery } from '../contract/progress';
import { FlinkOutcome, FlinkPhase } from '../contract/search-attributes';
import type { AppRef } from '../contract/app';
import { Outcome, type Operation, type OperationResult } from '../contract/operations';
import type { PhaseEntry, Progress } from '../contract/progress';
import type { Phase } from '../contract/phases';

/**
 * `patched()` id (listed in `Patch`, operation.ts): a run that does not upsert its phases (a periodic
 * savepoint) upserts FlinkOutcome only for an outcome worth finding (failed, cancelled...): one
 * Temporal action fewer per succeeded or skipped run, whose outcome stays in its result and the record.
 */
export const PeriodicOutcomeOnFailurePatch = 'periodic-outcome-on-failure';

/** Outcomes a periodic savepoint does not index (their runs complete; the result says which). */
const unindexed: ReadonlySet<string> = new Set([Outcome.Succeeded, Outcome.Skipped]);

/** Tracks phases of one operation. */
export class ProgressTracker {
  private readonly phases: PhaseEntry[] = [];
  private phase: string = 'Starting';
  private details = '';
  private result?: OperationResult;

  /**
   * @param upsertPhases whether each phase is also upserted as the FlinkPhase search attribute
   * (one Temporal action each; periodic savepoints skip it to stay cheap, and index only an outcome
   * worth finding).
   */
  constructor(
    private readonly app: AppRef,
    private operation: Operation,
    private readonly upsertPhases = true,
  ) {
    setHandler(progressQuery, (): Progress => ({
      app: this.app,
      operation: this.operation,
      phase: this.phase,
      details: this.details,
      phases: [...this.phases],
      result: this.result,
    }));
  }

  /** The operation as known now: `apply` until it turned out to be an upgrade, a suspend... */
  get currentOperation(): Operation {
    return this.operation;
  }

  /** The operation `apply` turned out to be (upgrade, suspend, ...). */
  setOperation(operation: Operation): void {
    this.operation = operation;
  }

  /** Enter a phase, with what it is doing in words. */
  enter(phase: Phase, details: string): void {
    this.phase = phase;
    this.details = details;
    this.phases.push({ phase, at: new Date().toISOString(), details });
    setCurrentDetails(
      `**${phase}**: ${details}\n\napplication ${this.app.namespace}/${this.app.name}, workflow ` +
        `${workflowInfo().workflowId}`,
    );
    if (this.upsertPhases) upsertSearchAttributes([{ key: FlinkPhase, value: phase }]);
  }

  /** Say what happens now within the phase, without a new phase. */
  say(details: string): void {
    this.details = details;
    setCurrentDetails(`**${this.phase}**: ${details}`);
  }

  /** Record the result; upserts the outcome search attribute (see {@link PeriodicOutcomeOnFailurePatch}). */
  finish(result: OperationResult): void {
    this.result = result;
    this.details = result.message;
    setCurrentDetails(`**${result.outcome}**: ${result.message}`);
    const quiet = !this.upsertPhases && unindexed.has(result.outcome) && patched(PeriodicOutcomeOnFailurePatch);
    if (!quiet) upsertSearchAttributes([{ key: FlinkOutcome, value: result.outcome }]);
  }
}
