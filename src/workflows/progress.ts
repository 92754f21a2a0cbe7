/**
 * Progress of the running operation: the phase as a search attribute, the current details in
 * words (Temporal UI "current details"), and the `progress` query.
 */
import { setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { progressQuery } from '../contract/progress';
import { FlinkOutcome, FlinkPhase } from '../contract/search-attributes';
import type { AppRef } from '../contract/app';
import type { Operation, OperationResult } from '../contract/operations';
import type { PhaseEntry, Progress } from '../contract/progress';
import type { Phase } from '../contract/phases';

/** Tracks phases of one operation. */
export class ProgressTracker {
  private readonly phases: PhaseEntry[] = [];
  private phase: string = 'Starting';
  private details = '';
  private result?: OperationResult;

  /**
   * @param upsertPhases whether each phase is also upserted as the FlinkPhase search attribute
   * (one Temporal action each; periodic savepoints skip it to stay cheap).
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

  /** Record the result; upserts the outcome search attribute. */
  finish(result: OperationResult): void {
    this.result = result;
    this.details = result.message;
    setCurrentDetails(`**${result.outcome}**: ${result.message}`);
    upsertSearchAttributes([{ key: FlinkOutcome, value: result.outcome }]);
  }
}
