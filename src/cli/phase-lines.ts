/**
 * The phase lines of a followed operation. The run's history says which phases were entered (its FlinkPhase
 * upserts), the `progress` query adds their details and may already know phases the history has not shown yet.
 * Each phase is printed once, whichever told of it first.
 */
import type { AppRef } from '../contract/app';
import type { Operation } from '../contract/operations';
import type { Progress } from '../contract/progress';
import type { Output } from './output';
import type { RunNews } from './run-history';

export class PhaseLines {
  /** Phases printed. */
  private printed = 0;
  /** Phases the history has shown. */
  private seen = 0;
  /** The last progress known (from the query, or built from the history). */
  last: Progress | undefined;
  /** The phase the history showed last. */
  phase = 'Starting';

  constructor(
    private readonly output: Pick<Output, 'progress'>,
    private readonly app: AppRef,
  ) {}

  /** A progress answer: prints its phases not printed yet, with their details. */
  print(progress: Progress): void {
    this.last = progress;
    for (const entry of progress.phases.slice(this.printed)) {
      this.output.progress(entry.at, entry.phase, entry.details ?? '');
    }
    this.printed = Math.max(this.printed, progress.phases.length);
  }

  /**
   * Phases the history showed: their details from one query (`query`), without an answer the phases alone;
   * none when the query printed them already.
   */
  async fromHistory(
    phases: RunNews['phases'],
    query: () => Promise<Progress | undefined>,
    operation: string | undefined,
  ): Promise<void> {
    if (phases.length === 0) return;
    this.phase = phases.at(-1)!.phase;
    this.seen += phases.length;
    if (this.printed >= this.seen) return;
    const progress = await query();
    if (progress && progress.phases.length >= this.seen) return this.print(progress);
    const fresh = phases.slice(phases.length - (this.seen - this.printed));
    for (const entry of fresh) this.output.progress(entry.at, entry.phase);
    this.printed = this.seen;
    this.last = {
      app: this.app,
      operation: (progress?.operation ?? operation ?? this.last?.operation ?? 'apply') as Operation,
      phase: this.phase,
      details: '',
      phases: [...(this.last?.phases ?? []), ...fresh.map((p) => ({ phase: p.phase, at: p.at.toISOString() }))],
      result: progress?.result,
    };
  }
}
