/**
 * The Flink REST client: one typed method per call flink-deploy makes. Every method takes
 * {@link CallOptions} (AbortSignal, timeout override); errors are FlinkTransportError ("could
 * not ask", retryable) or FlinkApiError ("Flink says no"). Async operations (savepoint, stop,
 * checkpoint, disposal) are trigger + status: the trigger id is the caller's, so a retried
 * trigger is the same operation while Flink remembers it (`rest.async.store-duration`).
 */
import { openAsBlob } from 'node:fs';
import path from 'node:path';
import { FormData, type Dispatcher } from 'undici';
import type {
  AggregatedMetricsDto,
  AsynchronousOperationResultDto,
  CheckpointInfoDto,
  CheckpointTriggerRequestDto,
  CheckpointType,
  CheckpointDetailsDto,
  CheckpointingStatisticsDto,
  ClusterOverviewDto,
  DashboardConfigDto,
  DisposalInfoDto,
  JarListDto,
  JarRunResponseDto,
  JarUploadResponseDto,
  JobDetailsDto,
  JobExceptionsDto,
  JobResourceRequirementsDto,
  JobIdsWithStatusDto,
  JobsOverviewDto,
  JobManagerConfigDto,
  MetricValuesDto,
  SavepointFormatType,
  SavepointInfoDto,
  SavepointTriggerRequestDto,
  SerializedThrowableDto,
  TaskManagersDto,
  StopWithSavepointRequestDto,
  TriggerResponseDto,
} from './dto';
import { FlinkApiError, FlinkErrorCode } from './errors';
import { callFlink, type CallOptions, type HttpCall } from './http';
import {
  causedByOf,
  describeFailureCause,
  isJobNotFoundCause,
  isSavepointNotFoundCause,
  summarizeCheckpoints,
  type CheckpointResult,
  type CheckpointSummary,
  type DisposalResult,
  type SavepointResult,
  type Trigger,
} from './results';
import { jarRunBody, parseRunningFlinkVersion, type RunningFlinkVersion, type JarRunInput } from './version';

/** Timeout profiles per kind of call, in ms. */
export interface FlinkTimeouts {
  /** Reads (overview, job details, statuses). @default 10000 */
  read: number;
  /** Triggers and other writes. @default 30000: a trigger answers only once the JobManager has accepted it */
  write: number;
  /** Jar upload and run (run executes the job's main()). @default 120000 */
  submit: number;
}

/** Default {@link FlinkTimeouts}. */
export const defaultFlinkTimeouts: FlinkTimeouts = { read: 10_000, write: 30_000, submit: 120_000 };

/** Options of {@link FlinkRestClient}. */
export interface FlinkRestClientOptions {
  /** Base URL of the JobManager REST API, e.g. `http://my-app-rest.ns.svc:8081` (see resolveFlinkEndpoint). */
  baseUrl: string;
  /** undici dispatcher (Agent, Pool, MockAgent...). @default undici's global dispatcher */
  dispatcher?: Dispatcher;
  /** Overrides of the timeout profiles. */
  timeouts?: Partial<FlinkTimeouts>;
  /** The cluster's Flink version, when known; otherwise read once from `GET /config` when a call needs it. */
  flinkVersion?: RunningFlinkVersion;
}

/** Input of {@link FlinkRestClient.triggerSavepoint}. */
export interface TriggerSavepointInput {
  jobId: string;
  /** Our trigger id (32 hex), recorded before the call so a retry is the same request. */
  triggerId: string;
  /** @default the cluster's `execution.checkpointing.savepoint-dir` */
  targetDirectory?: string;
  /** @default CANONICAL (Flink's default) */
  formatType?: SavepointFormatType;
  /** Cancel the job once the savepoint completes (cancel-with-savepoint). @default false */
  cancelJob?: boolean;
}

/** Input of {@link FlinkRestClient.stopWithSavepoint}. */
export interface StopWithSavepointInput {
  jobId: string;
  /** Our trigger id (32 hex), recorded before the call so a retry is the same request. */
  triggerId: string;
  /** @default the cluster's `execution.checkpointing.savepoint-dir` */
  targetDirectory?: string;
  /** Emit MAX_WATERMARK before stopping (ends event-time windows). @default false */
  drain?: boolean;
  /** @default CANONICAL */
  formatType?: SavepointFormatType;
}

/** Input of {@link FlinkRestClient.triggerCheckpoint}. */
export interface TriggerCheckpointInput {
  jobId: string;
  triggerId?: string;
  /** @default CONFIGURED */
  checkpointType?: CheckpointType;
}

/** Input of {@link FlinkRestClient.vertexMetrics} and {@link FlinkRestClient.subtaskMetrics}. */
export interface VertexMetricsInput {
  jobId: string;
  vertexId: string;
  /** Metric ids, e.g. `0.counter.counterTotal` (vertex) or `counter.counterTotal` (subtasks). Omit to list ids. */
  metrics?: readonly string[];
}

/** The Flink REST client (Flink 1.18 … 2.x). */
export class FlinkRestClient {
  readonly baseUrl: string;
  private readonly dispatcher: Dispatcher | undefined;
  private readonly timeouts: FlinkTimeouts;
  private knownVersion: RunningFlinkVersion | undefined;

  constructor(options: FlinkRestClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.dispatcher = options.dispatcher;
    this.timeouts = { ...defaultFlinkTimeouts, ...options.timeouts };
    this.knownVersion = options.flinkVersion;
  }

  private call<T>(
    profile: keyof FlinkTimeouts,
    call: Omit<HttpCall, 'timeoutMs' | 'signal'>,
    options?: CallOptions,
  ): Promise<T> {
    return callFlink<T>(
      { baseUrl: this.baseUrl, dispatcher: this.dispatcher },
      { ...call, timeoutMs: options?.timeoutMs ?? this.timeouts[profile], signal: options?.signal },
    );
  }

  /** An async operation's "job not found" failure, as the domain error a 404 would be. */
  private jobNotFound(path: string, cause: SerializedThrowableDto): FlinkApiError {
    const url = `${this.baseUrl}${path}`;
    const detail = describeFailureCause(cause);
    return new FlinkApiError({
      code: FlinkErrorCode.NotFound,
      status: 404,
      flinkErrors: [detail],
      request: { method: 'GET', url },
      message: `GET ${url}: the operation failed because the job does not exist: ${detail}`,
    });
  }

  // --- cluster ---------------------------------------------------------------------------

  /** `GET /overview`: version, TaskManagers, slots, job counts. */
  overview(options?: CallOptions): Promise<ClusterOverviewDto> {
    return this.call('read', { method: 'GET', path: '/overview' }, options);
  }

  /** `GET /taskmanagers`: each registered TaskManager, its address and its slots (free and all). */
  async taskManagers(options?: CallOptions): Promise<TaskManagersDto['taskmanagers']> {
    return (await this.call<TaskManagersDto>('read', { method: 'GET', path: '/taskmanagers' }, options)).taskmanagers;
  }

  /** `GET /config`: the dashboard configuration, including `flink-version`. */
  config(options?: CallOptions): Promise<DashboardConfigDto> {
    return this.call('read', { method: 'GET', path: '/config' }, options);
  }

  /** The cluster's Flink version (from `GET /config`, read once and cached). */
  async version(options?: CallOptions): Promise<RunningFlinkVersion> {
    this.knownVersion ??= parseRunningFlinkVersion((await this.config(options))['flink-version']);
    return this.knownVersion;
  }

  /** `GET /jobmanager/config` as a key → value map. */
  async jobManagerConfig(options?: CallOptions): Promise<Record<string, string>> {
    const entries = await this.call<JobManagerConfigDto>(
      'read',
      { method: 'GET', path: '/jobmanager/config' },
      options,
    );
    return Object.fromEntries(entries.map((e) => [e.key, e.value]));
  }

  // --- jobs --------------------------------------------------------------------------------

  /** `GET /jobs`: ids and states of all jobs the JobManager knows. */
  async listJobs(options?: CallOptions): Promise<JobIdsWithStatusDto['jobs']> {
    return (await this.call<JobIdsWithStatusDto>('read', { method: 'GET', path: '/jobs' }, options)).jobs;
  }

  /** `GET /jobs/overview`: id, name and state of every job the JobManager knows (a session cluster's jobs). */
  async jobsOverview(options?: CallOptions): Promise<JobsOverviewDto['jobs']> {
    return (await this.call<JobsOverviewDto>('read', { method: 'GET', path: '/jobs/overview' }, options)).jobs;
  }

  /** `GET /jobs/:jobid`. FlinkApiError FLINK_NOT_FOUND for an unknown job. */
  jobDetails(jobId: string, options?: CallOptions): Promise<JobDetailsDto> {
    return this.call('read', { method: 'GET', path: `/jobs/${enc(jobId)}` }, options);
  }

  /** `GET /jobs/:jobid/resource-requirements`: per vertex, the parallelism bounds (adaptive scheduler, 1.18+). */
  resourceRequirements(jobId: string, options?: CallOptions): Promise<JobResourceRequirementsDto> {
    return this.call('read', { method: 'GET', path: `/jobs/${enc(jobId)}/resource-requirements` }, options);
  }

  /**
   * `PUT /jobs/:jobid/resource-requirements`: the adaptive scheduler rescales the running job to the new
   * bounds (a restart from its latest checkpoint, same job id). Idempotent: the same body is the same request.
   */
  async setResourceRequirements(
    jobId: string,
    requirements: JobResourceRequirementsDto,
    options?: CallOptions,
  ): Promise<void> {
    await this.call(
      'write',
      { method: 'PUT', path: `/jobs/${enc(jobId)}/resource-requirements`, body: requirements },
      options,
    );
  }

  /** `GET /jobs/:jobid/exceptions`: the exception history (newest first). */
  jobExceptions(jobId: string, options?: CallOptions): Promise<JobExceptionsDto> {
    return this.call('read', { method: 'GET', path: `/jobs/${enc(jobId)}/exceptions` }, options);
  }

  /** `PATCH /jobs/:jobid?mode=cancel`: asks Flink to cancel; the job then goes CANCELLING → CANCELED. */
  async cancelJob(jobId: string, options?: CallOptions): Promise<void> {
    await this.call('write', { method: 'PATCH', path: `/jobs/${enc(jobId)}`, query: { mode: 'cancel' } }, options);
  }

  // --- savepoints ------------------------------------------------------------------------

  /** `POST /jobs/:jobid/savepoints` with our trigger id. Poll with {@link savepointStatus}. */
  async triggerSavepoint(input: TriggerSavepointInput, options?: CallOptions): Promise<Trigger> {
    const body: SavepointTriggerRequestDto = {
      'cancel-job': input.cancelJob ?? false,
      triggerId: input.triggerId,
      ...(input.targetDirectory !== undefined ? { 'target-directory': input.targetDirectory } : {}),
      ...(input.formatType !== undefined ? { formatType: input.formatType } : {}),
    };
    const res = await this.call<TriggerResponseDto>(
      'write',
      { method: 'POST', path: `/jobs/${enc(input.jobId)}/savepoints`, body },
      options,
    );
    return { triggerId: res['request-id'] };
  }

  /** `POST /jobs/:jobid/stop`: savepoint, then the job FINISHES. Poll with {@link savepointStatus}. */
  async stopWithSavepoint(input: StopWithSavepointInput, options?: CallOptions): Promise<Trigger> {
    const body: StopWithSavepointRequestDto = {
      drain: input.drain ?? false,
      triggerId: input.triggerId,
      ...(input.targetDirectory !== undefined ? { targetDirectory: input.targetDirectory } : {}),
      ...(input.formatType !== undefined ? { formatType: input.formatType } : {}),
    };
    const res = await this.call<TriggerResponseDto>(
      'write',
      { method: 'POST', path: `/jobs/${enc(input.jobId)}/stop`, body },
      options,
    );
    return { triggerId: res['request-id'] };
  }

  /**
   * `GET /jobs/:jobid/savepoints/:triggerid`: status of a savepoint or stop-with-savepoint.
   * FlinkApiError FLINK_NOT_FOUND when this job execution does not know the trigger id (never
   * triggered, expired, or the job restarted: go look at `checkpoints()` instead), and when the
   * trigger failed because the job does not exist (Flink accepts a trigger for any job id).
   */
  async savepointStatus(jobId: string, triggerId: string, options?: CallOptions): Promise<SavepointResult> {
    const path = `/jobs/${enc(jobId)}/savepoints/${enc(triggerId)}`;
    const res = await this.call<AsynchronousOperationResultDto<SavepointInfoDto>>(
      'read',
      { method: 'GET', path },
      options,
    );
    if (res.status.id !== 'COMPLETED') return { kind: 'pending' };
    const cause = res.operation?.['failure-cause'];
    if (cause && isJobNotFoundCause(cause)) throw this.jobNotFound(path, cause);
    if (cause) return { kind: 'failed', cause: describeFailureCause(cause), causedBy: causedByOf(cause) };
    const location = res.operation?.location;
    return location ? { kind: 'completed', location } : { kind: 'failed', cause: 'completed without a location' };
  }

  /** `POST /savepoint-disposal`: deletes a savepoint's files. Poll with {@link disposalStatus}. */
  async disposeSavepoint(input: { savepointPath: string }, options?: CallOptions): Promise<Trigger> {
    const res = await this.call<TriggerResponseDto>(
      'write',
      { method: 'POST', path: '/savepoint-disposal', body: { 'savepoint-path': input.savepointPath } },
      options,
    );
    return { triggerId: res['request-id'] };
  }

  /** `GET /savepoint-disposal/:triggerid` */
  async disposalStatus(triggerId: string, options?: CallOptions): Promise<DisposalResult> {
    const res = await this.call<AsynchronousOperationResultDto<DisposalInfoDto>>(
      'read',
      { method: 'GET', path: `/savepoint-disposal/${enc(triggerId)}` },
      options,
    );
    if (res.status.id !== 'COMPLETED') return { kind: 'pending' };
    const cause = res.operation?.['failure-cause'];
    if (!cause) return { kind: 'completed' };
    const described = describeFailureCause(cause);
    return isSavepointNotFoundCause(cause)
      ? { kind: 'not-found', cause: described }
      : { kind: 'failed', cause: described };
  }

  // --- checkpoints -----------------------------------------------------------------------

  /** `GET /jobs/:jobid/checkpoints`, raw. */
  checkpointStatistics(jobId: string, options?: CallOptions): Promise<CheckpointingStatisticsDto> {
    return this.call('read', { method: 'GET', path: `/jobs/${enc(jobId)}/checkpoints` }, options);
  }

  /** `GET /jobs/:jobid/checkpoints/details/:checkpointid`: per job vertex, its state in that checkpoint. */
  checkpointDetails(jobId: string, checkpointId: number, options?: CallOptions): Promise<CheckpointDetailsDto> {
    const path = `/jobs/${enc(jobId)}/checkpoints/details/${enc(String(checkpointId))}`;
    return this.call('read', { method: 'GET', path }, options);
  }

  /** Counts, latest completed checkpoint and savepoint, and what the job was restored from. */
  async checkpoints(jobId: string, options?: CallOptions): Promise<CheckpointSummary> {
    return summarizeCheckpoints(await this.checkpointStatistics(jobId, options));
  }

  /** `POST /jobs/:jobid/checkpoints` (Flink 1.17+). Poll with {@link checkpointStatus}. */
  async triggerCheckpoint(input: TriggerCheckpointInput, options?: CallOptions): Promise<Trigger> {
    const body: CheckpointTriggerRequestDto = {
      ...(input.checkpointType !== undefined ? { checkpointType: input.checkpointType } : {}),
      ...(input.triggerId !== undefined ? { triggerId: input.triggerId } : {}),
    };
    const res = await this.call<TriggerResponseDto>(
      'write',
      { method: 'POST', path: `/jobs/${enc(input.jobId)}/checkpoints`, body },
      options,
    );
    return { triggerId: res['request-id'] };
  }

  /** `GET /jobs/:jobid/checkpoints/:triggerid` */
  async checkpointStatus(jobId: string, triggerId: string, options?: CallOptions): Promise<CheckpointResult> {
    const path = `/jobs/${enc(jobId)}/checkpoints/${enc(triggerId)}`;
    const res = await this.call<AsynchronousOperationResultDto<CheckpointInfoDto>>(
      'read',
      { method: 'GET', path },
      options,
    );
    if (res.status.id !== 'COMPLETED') return { kind: 'pending' };
    // Flink 1.17–2.3 name it `failureCause` here (`failure-cause` in a savepoint's status).
    const cause = res.operation?.failureCause ?? res.operation?.['failure-cause'];
    if (cause && isJobNotFoundCause(cause)) throw this.jobNotFound(path, cause);
    if (cause) return { kind: 'failed', cause: describeFailureCause(cause) };
    const id = res.operation?.checkpointId;
    return id !== undefined
      ? { kind: 'completed', checkpointId: id }
      : { kind: 'failed', cause: 'completed without a checkpoint id' };
  }

  // --- jars (session mode) ---------------------------------------------------------------

  /** `POST /jars/upload` (multipart `jarfile`). Returns the jar id for {@link runJar}. */
  async uploadJar(input: { jarPath: string }, options?: CallOptions): Promise<{ jarId: string }> {
    const form = new FormData();
    const blob = await openAsBlob(input.jarPath, { type: 'application/x-java-archive' });
    form.append('jarfile', blob, path.basename(input.jarPath));
    const res = await this.call<JarUploadResponseDto>(
      'submit',
      { method: 'POST', path: '/jars/upload', body: form },
      options,
    );
    return { jarId: path.basename(res.filename) };
  }

  /** `GET /jars` */
  async listJars(options?: CallOptions): Promise<JarListDto['files']> {
    return (await this.call<JarListDto>('read', { method: 'GET', path: '/jars' }, options)).files;
  }

  /**
   * `POST /jars/:jarid/run` with the body for the cluster's Flink version. Not idempotent in
   * every Flink version: look for the job id (`listJobs`) before you retry.
   */
  async runJar(input: JarRunInput, options?: CallOptions): Promise<{ jobId: string }> {
    const body = jarRunBody(await this.version(options), input);
    const res = await this.call<JarRunResponseDto>(
      'submit',
      { method: 'POST', path: `/jars/${enc(input.jarId)}/run`, body },
      options,
    );
    return { jobId: res.jobid };
  }

  /** `DELETE /jars/:jarid` */
  async deleteJar(jarId: string, options?: CallOptions): Promise<void> {
    await this.call('write', { method: 'DELETE', path: `/jars/${enc(jarId)}` }, options);
  }

  // --- metrics ---------------------------------------------------------------------------

  /**
   * `GET /jobs/:jobid/vertices/:vertexid/metrics[?get=...]`: per-subtask metric values
   * (ids `<subtask>.<operator>.<metric>`) as id → value. Without `metrics`: the available ids
   * (values empty). Metrics appear once the JobManager has fetched them (`metrics.fetcher.update-interval`).
   */
  async vertexMetrics(input: VertexMetricsInput, options?: CallOptions): Promise<Record<string, string>> {
    const query = input.metrics ? { get: input.metrics.join(',') } : undefined;
    const res = await this.call<MetricValuesDto>(
      'read',
      { method: 'GET', path: `/jobs/${enc(input.jobId)}/vertices/${enc(input.vertexId)}/metrics`, query },
      options,
    );
    return Object.fromEntries(res.map((m) => [m.id, m.value ?? '']));
  }

  /**
   * `GET /jobs/:jobid/vertices/:vertexid/subtasks/metrics?get=...`: min/max/avg/sum over subtasks
   * (ids `<operator>.<metric>`).
   */
  subtaskMetrics(input: VertexMetricsInput, options?: CallOptions): Promise<AggregatedMetricsDto> {
    const query = input.metrics ? { get: input.metrics.join(',') } : undefined;
    return this.call(
      'read',
      { method: 'GET', path: `/jobs/${enc(input.jobId)}/vertices/${enc(input.vertexId)}/subtasks/metrics`, query },
      options,
    );
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}
