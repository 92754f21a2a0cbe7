/**
 * The line a wait prints when no worker picks its workflow up: a CI log has no spinner, and without
 * a worker an operation (or a fleet rollout) would sit there until the timeout saying nothing.
 * Fed with what the run's history says of its next workflow task (src/cli/run-history.ts); says it
 * once a wait, on stderr, naming the task queue, the Temporal namespace and the way on.
 */
import type { Output } from './output';

/**
 * How long a workflow task may wait for a worker before the wait says so. Longer than Temporal's
 * sticky-queue timeout (5 s), after which a task a dead worker held goes to the queue.
 */
export const NO_WORKER_NOTICE_MS = 15_000;

/** Where the worker should poll. */
export interface TaskQueueOf {
  taskQueue: string;
  temporalNamespace: string;
}

export class NoWorkerNotice {
  /** Since when a workflow task has waited for a worker (undefined: a worker has it, or none is scheduled). */
  private since: number | undefined;
  private said = false;

  /** `what`: what waits, as the line names it ("the operation", "the rollout"). */
  constructor(
    private readonly output: Pick<Output, 'say'>,
    private readonly where: TaskQueueOf,
    private readonly what: string,
  ) {}

  /** What a page of history said of the next workflow task (undefined: nothing about it). */
  saw(waitingForWorker: boolean | undefined): void {
    if (waitingForWorker) this.since ??= Date.now();
    else if (waitingForWorker === false) this.since = undefined;
    this.check();
  }

  /** Says it, once, when the task has waited long enough. Also called when a long-poll found nothing. */
  check(): void {
    if (this.said || this.since === undefined) return;
    const waited = Date.now() - this.since;
    if (waited < NO_WORKER_NOTICE_MS) return;
    this.said = true;
    const { taskQueue, temporalNamespace } = this.where;
    this.output.say(
      `no worker has picked ${this.what} up for ${Math.round(waited / 1000)}s: is one running on task queue ` +
        `${taskQueue} (Temporal namespace ${temporalNamespace})? Start one with \`flink-deploy worker\` ` +
        `(docs/install.md); ${this.what} goes on when one does.`,
    );
  }
}
