/** The observer's activity as its workflow calls it (`import type` only). See docs/observer.md. */
import type { RestartFromCheckpointInput } from '../contract/observed-health';

/** Input of `observeApplications`. */
export interface ObserveInput {
  /** Time between sweeps, ms. */
  intervalMs: number;
  /** Return after sweeping this long (the workflow continues as new, or calls again). */
  runForMs: number;
}

/** Why `observeApplications` returned. */
export interface ObserveStep {
  sweeps: number;
  /** Restarts to start (onJobFailure: restart), each under the application's lock. Empty: time is up. */
  restarts: RestartFromCheckpointInput[];
}

export interface ObserverActivities {
  observeApplications(input: ObserveInput): Promise<ObserveStep>;
}
