/**
 * The REAL activities (`createActivities(deps)`) over the in-memory Kubernetes and the mock
 * Flink, run in Temporal's `MockActivityEnvironment` (heartbeats and cancellation as in a
 * worker). With `msPerPoll`, `Date.now()` is a test clock that moves that far on each heartbeat
 * (each look of a polling activity), so windows of minutes and 120 s bounds take milliseconds.
 */
import type { Info } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { RunLookup } from '../../src/contract/run-state';
import { activityConfigOf, createActivities, type ActivityConfig, type ActivityDeps } from '../../src/activities';
import { loadSettings } from '../../src/config/settings';
import type { FlinkDeployActivities as Activities } from '../../src/activities/types';
import type { RescaleActivities } from '../../src/activities/rescale-types';

/** Every activity the worker registers (createActivities). */
type FlinkDeployActivities = Activities & RescaleActivities;
import { InMemoryKube } from './in-memory-kube';
import { MockFlink } from './mock-flink';
import { quietLogger } from './quiet-logger';

export interface ActivityHarness {
  kube: InMemoryKube;
  flink: MockFlink;
  activities: FlinkDeployActivities;
  /** What the activities were built from (to build others, e.g. the rescale activities, on the same fakes). */
  deps: ActivityDeps;
  /** Heartbeat details, in order (one per look of a polling activity). */
  heartbeats: unknown[];
  /** Runs `fn` after the n-th heartbeat (1-based): "after the second look, the job restarts". */
  atPoll(n: number, fn: () => void): void;
  /** ms the test clock moved since the harness was built (0 without `msPerPoll`). */
  elapsedMs(): number;
  /** Cancels the activity running (reason `WORKER_SHUTDOWN`: the worker got SIGTERM). */
  cancel(reason?: 'CANCELLED' | 'WORKER_SHUTDOWN'): void;
  /** Runs one activity as the worker would. */
  run<K extends keyof FlinkDeployActivities>(
    name: K,
    input: Parameters<FlinkDeployActivities[K]>[0],
  ): ReturnType<FlinkDeployActivities[K]>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Simulated ms per heartbeat; unset: real time. */
  msPerPoll?: number;
  config?: Partial<ActivityConfig>;
  /** What Temporal says of a lock holder's run (unset: never asked). */
  runs?: RunLookup;
  /**
   * The activity's info, e.g. the heartbeat details a retry after a worker restart starts from, or a
   * `scheduledTimestampMs` long before the first look (the worker was down). Default: scheduled now.
   */
  info?: Partial<Info>;
  /** The Kubernetes and Flink of an earlier harness: the next attempt, on another worker, sees what it left. */
  shared?: Pick<ActivityHarness, 'kube' | 'flink'>;
}

/** The defaults of the settings table, with polls of 1 ms: the tests never wait on real time. */
const fastConfig: ActivityConfig = {
  ...activityConfigOf(loadSettings({}, {})),
  pollIntervalMs: 1,
  savepointPollIntervalMs: 1,
};

export function activityHarness(options: HarnessOptions = {}): ActivityHarness {
  const start = Date.now();
  const perfStart = performance.now();
  let offset = 0;
  const clock = options.msPerPoll === undefined ? undefined : jest.spyOn(Date, 'now');
  clock?.mockImplementation(() => start + offset + Math.floor(performance.now() - perfStart));
  const kube = options.shared?.kube ?? new InMemoryKube(() => new Date(Date.now()));
  const flink = options.shared?.flink ?? new MockFlink();
  const deps: ActivityDeps = {
    kube,
    flinkFor: () => Promise.resolve(flink.client()),
    config: { ...fastConfig, ...options.config },
    now: () => new Date(Date.now()),
    runs: options.runs,
  };
  const activities = createActivities(deps);
  // Scheduled now, as a worker's activity is (Temporal's mock says 1970): a test of an outage says otherwise.
  const scheduledNow = { scheduledTimestampMs: start, currentAttemptScheduledTimestampMs: start };
  const env = new MockActivityEnvironment({ ...scheduledNow, ...options.info }, { logger: quietLogger });
  const heartbeats: unknown[] = [];
  const scripted = new Map<number, (() => void)[]>();
  env.on('heartbeat', (details: unknown) => {
    heartbeats.push(details);
    offset += options.msPerPoll ?? 0;
    for (const fn of scripted.get(heartbeats.length) ?? []) fn();
  });
  return {
    kube,
    flink,
    deps,
    activities,
    heartbeats,
    atPoll: (n, fn) => scripted.set(n, [...(scripted.get(n) ?? []), fn]),
    elapsedMs: () => offset,
    cancel: (reason) => env.cancel(reason),
    run: (name, input) =>
      env.run(
        activities[name] as (i: typeof input) => ReturnType<FlinkDeployActivities[typeof name]>,
        input,
      ) as ReturnType<FlinkDeployActivities[typeof name]>,
    close: async () => {
      clock?.mockRestore();
      await flink.close();
    },
  };
}
