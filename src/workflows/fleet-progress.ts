/**
 * The live state of a fleet rollout: one line per application, counts per state, the stage as
 * the FlinkPhase search attribute, the counts as the Temporal UI's current details, and the
 * `fleetProgress` query the CLI polls.
 */
import { setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { fleetProgressQuery } from '../contract/fleet-messages';
import {
  FleetAppState,
  type FleetAppProgress,
  type FleetInput,
  type FleetOutcome,
  type FleetProgress,
  type FleetStage,
} from '../contract/fleet';
import { FlinkOutcome, FlinkPhase } from '../contract/search-attributes';
import { fleetAppKey } from './decisions/fleet-plan';

export class FleetTracker {
  readonly apps: FleetAppProgress[];
  stage: FleetStage = 'canaries';
  running = 0;
  private maxRunning = 0;
  haltReason?: string;
  private outcome?: FleetOutcome;
  private message?: string;

  constructor(private readonly input: FleetInput) {
    this.apps = input.apps.map((a) => ({
      app: { namespace: a.spec.namespace, name: a.spec.name },
      canary: input.canaries.includes(fleetAppKey(a)),
      state: FleetAppState.Pending,
      operation: a.operation,
      message: a.unchanged ? 'the plan found nothing to change' : 'not started yet',
    }));
    setHandler(fleetProgressQuery, () => this.snapshot());
  }

  /** Enter a stage (upserted as FlinkPhase). */
  enter(stage: FleetStage): void {
    this.stage = stage;
    upsertSearchAttributes([{ key: FlinkPhase, value: stage }]);
    this.show();
  }

  /** Set one application's state and what happened. */
  set(index: number, state: FleetAppState, message: string, extra: Partial<FleetAppProgress> = {}): void {
    Object.assign(this.apps[index]!, extra, { state, message });
    this.show();
  }

  /** An operation starts / ends (counts toward the concurrency cap). */
  started(): void {
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
  }
  ended(): void {
    this.running--;
  }

  counts(): FleetProgress['counts'] {
    const counts: FleetProgress['counts'] = {};
    for (const a of this.apps) counts[a.state] = (counts[a.state] ?? 0) + 1;
    return counts;
  }

  /** The end: outcome search attribute, final details. */
  finish(outcome: FleetOutcome, message: string): FleetProgress {
    this.outcome = outcome;
    this.message = message;
    upsertSearchAttributes([{ key: FlinkOutcome, value: outcome }]);
    this.show();
    return this.snapshot();
  }

  snapshot(): FleetProgress {
    return {
      rolloutId: this.input.rolloutId,
      stage: this.stage,
      apps: this.apps.map((a) => ({ ...a, app: { ...a.app } })),
      counts: this.counts(),
      running: this.running,
      maxRunning: this.maxRunning,
      haltReason: this.haltReason,
      outcome: this.outcome,
      message: this.message,
    };
  }

  private show(): void {
    const counts = Object.entries(this.counts())
      .map(([state, n]) => `${state} ${n}`)
      .join(', ');
    setCurrentDetails(
      `**fleet rollout ${this.input.rolloutId}**: ${this.outcome ?? this.stage}\n\n${counts}` +
        `${this.haltReason ? `\n\nhalted: ${this.haltReason}` : ''}${this.message ? `\n\n${this.message}` : ''}`,
    );
  }
}
