/**
 * A SCRIPTED FLINK JOBMANAGER answering Flink REST through undici's `MockAgent`, for the real
 * `FlinkRestClient` (src/flink/http.ts takes the dispatcher). It keeps jobs (state, vertices,
 * exception history = restarts, checkpoints, the restore source), savepoint triggers keyed by
 * the caller's trigger id (a repeated trigger is the same operation, as in Flink), and
 * disposals. Tests set the state directly (`runJob`, `job(id).state = ...`), script savepoints
 * (`savepoints.polls`, `savepoints.failure`), forget triggers (`rest.async.store-duration`
 * passed), and inject faults per call (`inject`: an HTTP status or a refused connection).
 */
import { randomUUID } from 'node:crypto';
import { MockAgent } from 'undici';
import { FlinkRestClient } from '../../src/flink/client';
import type { ExceptionHistoryEntryDto, FlinkJobState, JobDetailsDto } from '../../src/flink/dto';

export interface MockVertex {
  name: string;
  /** DEPLOYING, INITIALIZING, RUNNING... */
  status: string;
}

export interface MockJob {
  jobId: string;
  state: FlinkJobState;
  vertices: MockVertex[];
  /** The exception history, newest first: one entry per restart (and the failure). */
  exceptions: ExceptionHistoryEntryDto[];
  completedCheckpoints: number;
  /** External path of the latest completed checkpoint. */
  latestCheckpoint?: string;
  latestSavepoint?: string;
  /** The savepoint or checkpoint the job was started from (`latest.restored`). */
  restoredFrom?: string;
  /** Set: `restoredFrom` is a checkpoint of this id (a JobManager that took over restored it), not a savepoint. */
  restoredCheckpointId?: number;
  /** When the job last entered each state (Flink's `timestamps`); unset: none. */
  timestamps?: Partial<Record<FlinkJobState, number>>;
}

interface MockTrigger {
  jobId: string;
  triggerId: string;
  stop: boolean;
  targetDirectory?: string;
  /** Status reads that still answer IN_PROGRESS. */
  polls: number;
  failure?: string;
  location?: string;
}

/** A fault on the wire: Flink answering an HTTP status, or no connection at all. */
export type FlinkFault = { status: number; error?: string } | 'unreachable';

interface Request {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
}

type Reply = { statusCode: number; data: object };

const json = (statusCode: number, data: object): Reply => ({ statusCode, data });
const notFound = (what: string): Reply => json(404, { errors: [`${what} not found`] });
const inProgress = { status: { id: 'IN_PROGRESS' } };

/** The default savepoint directory of the mock cluster. */
export const SAVEPOINT_DIR = 'file:///flink/savepoints';

export class MockFlink {
  readonly agent = new MockAgent();
  readonly requests: Request[] = [];
  readonly jobs = new Map<string, MockJob>();
  readonly triggers = new Map<string, MockTrigger>();
  /** Savepoint paths whose disposal succeeded, in order. */
  readonly disposed: string[] = [];
  /** Savepoint paths whose next N disposals fail. */
  readonly disposalFailures = new Map<string, number>();
  /** How the next triggered savepoints behave. */
  savepoints: { polls: number; failure?: string } = { polls: 1 };
  /** More of `GET /jobmanager/config` (its own REST cache setting is always there: `0 ms`). */
  jobManagerConfig: Record<string, string> = {};
  /** False: no JobManager answers (connection refused). */
  reachable = true;
  /**
   * A session cluster's side (blue/green generations): `GET /overview`, `GET /config`, `GET /jars`,
   * `GET /jobs`, `GET /jobs/overview`, `GET /taskmanagers`, and `POST /jars/:jarid/run`, which starts a RUNNING job
   * under the body's job id.
   */
  session = {
    taskManagers: 1,
    slots: 2,
    jars: [] as string[],
    version: '2.3.0',
    /** `GET /taskmanagers`: each TaskManager's address, slots and slots in use. */
    registered: [] as { address: string; slots: number; used: number }[],
  };
  private readonly disposals = new Map<string, { path: string; failure?: string }>();
  private readonly faults: { method?: string; path: RegExp; fault: FlinkFault; times: number }[] = [];

  constructor(readonly baseUrl = 'http://flink-jobmanager.test:8081') {
    this.agent.disableNetConnect();
    this.agent
      .get(new URL(baseUrl).origin)
      .intercept({ path: () => true, method: () => true })
      .reply((opts) => this.answer(opts))
      .persist();
  }

  /** The real client, talking to this mock. */
  client(): FlinkRestClient {
    return new FlinkRestClient({ baseUrl: this.baseUrl, dispatcher: this.agent });
  }

  /** A job that is RUNNING with all vertices RUNNING (override any field). */
  runJob(jobId: string, init: Partial<MockJob> = {}): MockJob {
    const job: MockJob = {
      jobId,
      state: 'RUNNING',
      vertices: [
        { name: 'Source: keys', status: 'RUNNING' },
        { name: 'Count per key -> Sink', status: 'RUNNING' },
      ],
      exceptions: [],
      completedCheckpoints: 0,
      ...init,
    };
    this.jobs.set(jobId, job);
    return job;
  }

  job(jobId: string): MockJob {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`the mock Flink has no job ${jobId}`);
    return job;
  }

  /** The job restarted after an exception (it stays RUNNING; the history grows). */
  restart(jobId: string, exception = 'java.lang.IllegalStateException: boom'): void {
    const [exceptionName = exception] = exception.split(':');
    this.job(jobId).exceptions.unshift({
      exceptionName,
      stacktrace: `${exception}\n\tat Job.run`,
      timestamp: Date.now(),
    });
  }

  /** The job FAILED with this root cause. */
  failJob(jobId: string, exception = 'java.lang.ClassNotFoundException: io.example.Missing'): void {
    this.restart(jobId, exception);
    this.job(jobId).state = 'FAILED';
  }

  /** A trigger an earlier attempt sent (the activity retried after a crash). */
  knownTrigger(jobId: string, triggerId: string, init: { stop: boolean; polls?: number; failure?: string }): void {
    this.triggers.set(`${jobId}/${triggerId}`, {
      jobId,
      triggerId,
      stop: init.stop,
      polls: init.polls ?? 1,
      failure: init.failure,
    });
  }

  /** Flink forgot every trigger (`rest.async.store-duration` passed, or the JobManager restarted). */
  forgetTriggers(): void {
    this.triggers.clear();
  }

  /** The next `times` requests matching `path` (and `method`) fail with `fault`. */
  inject(path: RegExp, fault: FlinkFault, options: { method?: string; times?: number } = {}): void {
    this.faults.push({ path, fault, method: options.method, times: options.times ?? 1 });
  }

  /** How many requests matched. */
  count(method: string, path: RegExp): number {
    return this.requests.filter((r) => r.method === method && path.test(r.path)).length;
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  // --- the JobManager's side --------------------------------------------------------------

  private async answer(opts: { path: string; method: string; body?: unknown }): Promise<Reply> {
    const method = opts.method;
    const path = opts.path;
    const body =
      typeof opts.body === 'string' && opts.body ? (JSON.parse(opts.body) as Record<string, unknown>) : undefined;
    this.requests.push({ method, path, body });
    const fault = this.faults.find((f) => f.times > 0 && f.path.test(path) && (!f.method || f.method === method));
    if (fault) fault.times--;
    if (!this.reachable || fault?.fault === 'unreachable') {
      throw Object.assign(new Error(`connect ECONNREFUSED ${this.baseUrl}`), { code: 'ECONNREFUSED' });
    }
    if (fault) return json(fault.fault.status, { errors: [fault.fault.error ?? `injected ${fault.fault.status}`] });
    return this.route(method, path.split('?')[0]!, body);
  }

  private route(method: string, path: string, body: Record<string, unknown> | undefined): Reply {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'savepoint-disposal') return this.disposal(method, parts[1], body);
    const session = this.sessionAnswer(method, parts, body);
    if (session) return session;
    if (parts[0] !== 'jobs' || !parts[1]) return notFound(`handler for ${method} ${path}`);
    const jobId = parts[1];
    const job = this.jobs.get(jobId);
    const [, , resource, triggerId] = parts;
    if (method === 'GET' && resource === undefined)
      return job ? json(200, this.details(job)) : notFound(`Job ${jobId}`);
    if (method === 'PATCH' && resource === undefined) {
      if (!job) return notFound(`Job ${jobId}`);
      if (job.state === 'RUNNING' || job.state === 'RESTARTING') job.state = 'CANCELED';
      return json(202, {});
    }
    if (method === 'GET' && resource === 'exceptions') {
      return job
        ? json(200, { exceptionHistory: { entries: job.exceptions, truncated: false } })
        : notFound(`Job ${jobId}`);
    }
    if (method === 'GET' && resource === 'checkpoints')
      return job ? json(200, this.checkpoints(job)) : notFound(`Job ${jobId}`);
    if (method === 'POST' && (resource === 'savepoints' || resource === 'stop'))
      return this.trigger(jobId, resource === 'stop', body);
    if (method === 'GET' && resource === 'savepoints' && triggerId) return this.savepointStatus(jobId, triggerId);
    return notFound(`handler for ${method} ${path}`);
  }

  private sessionAnswer(method: string, parts: string[], body: Record<string, unknown> | undefined): Reply | undefined {
    const { session } = this;
    const [first, second, third] = parts;
    if (method === 'GET' && parts.length === 1 && first === 'overview')
      return json(200, { taskmanagers: session.taskManagers, 'slots-total': session.slots, 'flink-version': '' });
    if (method === 'GET' && parts.length === 1 && first === 'taskmanagers') {
      const taskmanagers = session.registered.map((tm, i) => ({
        id: `${tm.address}:6122-${String(i).padStart(6, '0')}`,
        path: `pekko.tcp://flink@${tm.address}:6122/user/rpc/taskmanager_0`,
        slotsNumber: tm.slots,
        freeSlots: tm.slots - tm.used,
      }));
      return json(200, { taskmanagers });
    }
    if (method === 'GET' && parts.length === 1 && first === 'config')
      return json(200, { 'flink-version': session.version, 'refresh-interval': 0 });
    // No REST caches here: a read past them waits only its margin.
    if (method === 'GET' && first === 'jobmanager' && second === 'config' && parts.length === 2)
      return json(200, [
        { key: 'rest.cache.checkpoint-statistics.timeout', value: '0 ms' },
        ...Object.entries(this.jobManagerConfig).map(([key, value]) => ({ key, value })),
      ]);
    if (method === 'GET' && parts.length === 1 && first === 'jars')
      return json(200, { address: this.baseUrl, files: session.jars.map((id) => ({ id, name: id, entry: [] })) });
    if (method === 'GET' && parts.length === 1 && first === 'jobs')
      return json(200, { jobs: [...this.jobs.values()].map((j) => ({ id: j.jobId, status: j.state })) });
    if (method === 'GET' && parts.length === 2 && first === 'jobs' && second === 'overview')
      return json(200, { jobs: [...this.jobs.values()].map((j) => ({ jid: j.jobId, name: j.jobId, state: j.state })) });
    if (method === 'POST' && first === 'jars' && second && third === 'run') {
      if (!session.jars.includes(second)) return notFound(`jar ${second}`);
      const jobId = typeof body?.jobId === 'string' ? body.jobId : randomUUID().replace(/-/g, '');
      if (this.jobs.has(jobId)) return json(409, { errors: [`Job ${jobId} already exists`] });
      const restoredFrom = typeof body?.savepointPath === 'string' ? body.savepointPath : undefined;
      this.runJob(jobId, restoredFrom ? { restoredFrom } : {});
      return json(200, { jobid: jobId });
    }
    return undefined;
  }

  private details(job: MockJob): JobDetailsDto {
    const now = Date.now();
    return {
      jid: job.jobId,
      name: 'counter',
      isStoppable: false,
      state: job.state,
      'start-time': now - 60_000,
      'end-time': -1,
      duration: 60_000,
      now,
      timestamps: job.timestamps ?? {},
      vertices: job.vertices.map((v, i) => ({
        id: `v${i}`,
        name: v.name,
        parallelism: 2,
        status: v.status,
        'start-time': now - 60_000,
        'end-time': -1,
        duration: 60_000,
      })),
    };
  }

  private checkpoints(job: MockJob) {
    const completed = (path: string | undefined, savepoint: boolean) =>
      path
        ? {
            id: job.completedCheckpoints,
            status: 'COMPLETED',
            is_savepoint: savepoint,
            trigger_timestamp: Date.now() - 1000,
            latest_ack_timestamp: Date.now(),
            external_path: path,
          }
        : null;
    return {
      counts: {
        restored: job.restoredFrom ? 1 : 0,
        total: job.completedCheckpoints,
        in_progress: 0,
        completed: job.completedCheckpoints,
        failed: 0,
      },
      latest: {
        completed: completed(job.latestCheckpoint, false),
        savepoint: completed(job.latestSavepoint, true),
        failed: null,
        restored: job.restoredFrom
          ? {
              id: job.restoredCheckpointId ?? 1,
              restore_timestamp: Date.now() - 60_000,
              is_savepoint: job.restoredCheckpointId === undefined,
              external_path: job.restoredFrom,
            }
          : null,
      },
      history: [],
    };
  }

  /** Flink accepts a trigger for any job; the same trigger id again is the same operation. */
  private trigger(jobId: string, stop: boolean, body: Record<string, unknown> | undefined): Reply {
    const triggerId = typeof body?.triggerId === 'string' ? body.triggerId : randomUUID().replace(/-/g, '');
    const key = `${jobId}/${triggerId}`;
    if (!this.triggers.has(key)) {
      const job = this.jobs.get(jobId);
      const targetDirectory = (body?.targetDirectory ?? body?.['target-directory']) as string | undefined;
      this.triggers.set(key, {
        jobId,
        triggerId,
        stop,
        targetDirectory,
        polls: this.savepoints.polls,
        failure: !job
          ? 'org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job'
          : job.state !== 'RUNNING' || job.vertices.some((v) => v.status !== 'RUNNING')
            ? 'org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint triggering task is not ' +
              'being executed at the moment'
            : this.savepoints.failure,
      });
    }
    return json(202, { 'request-id': triggerId });
  }

  private savepointStatus(jobId: string, triggerId: string): Reply {
    const trigger = this.triggers.get(`${jobId}/${triggerId}`);
    if (!trigger) return notFound(`Operation ${triggerId} of job ${jobId}`);
    if (trigger.polls > 0) {
      trigger.polls--;
      return json(200, inProgress);
    }
    if (trigger.failure) {
      const [cls] = trigger.failure.split(':');
      return json(200, {
        status: { id: 'COMPLETED' },
        operation: { 'failure-cause': { class: cls, 'stack-trace': `${trigger.failure}\n\tat Flink` } },
      });
    }
    if (!trigger.location) {
      trigger.location =
        `${trigger.targetDirectory ?? SAVEPOINT_DIR}` + `/savepoint-${jobId.slice(0, 6)}-${triggerId.slice(0, 12)}`;
      const job = this.jobs.get(jobId);
      if (job) {
        job.latestSavepoint = trigger.location;
        if (trigger.stop) job.state = 'FINISHED';
      }
    }
    return json(200, { status: { id: 'COMPLETED' }, operation: { location: trigger.location } });
  }

  private disposal(method: string, triggerId: string | undefined, body: Record<string, unknown> | undefined): Reply {
    if (method === 'POST') {
      const path = String(body?.['savepoint-path']);
      const failures = this.disposalFailures.get(path) ?? 0;
      if (failures > 0) this.disposalFailures.set(path, failures - 1);
      const id = randomUUID().replace(/-/g, '');
      // As Flink: a path already disposed has nothing left, and its disposal fails with "Cannot find".
      const gone = this.disposed.includes(path)
        ? 'java.util.concurrent.CompletionException: org.apache.flink.util.FlinkException: Could not dispose ' +
          `savepoint ${path}.\nCaused by: java.io.FileNotFoundException: Cannot find checkpoint or savepoint ` +
          `file/directory '${path}' on file system 's3'.`
        : undefined;
      this.disposals.set(id, {
        path,
        failure: failures > 0 ? `java.io.IOException: could not delete ${path}: permission denied` : gone,
      });
      return json(202, { 'request-id': id });
    }
    const disposal = triggerId ? this.disposals.get(triggerId) : undefined;
    if (!disposal) return notFound(`Operation ${triggerId}`);
    if (disposal.failure) {
      return json(200, {
        status: { id: 'COMPLETED' },
        operation: { 'failure-cause': { class: 'java.io.IOException', 'stack-trace': disposal.failure } },
      });
    }
    if (!this.disposed.includes(disposal.path)) this.disposed.push(disposal.path);
    return json(200, { status: { id: 'COMPLETED' }, operation: {} });
  }
}
