/**
 * Flink REST wire DTOs, with Flink's own JSON field names (kebab-case, camelCase and
 * snake_case all occur). Only the fields flink-deploy reads are typed; Flink sends more.
 * Checked against Flink 2.3.0 and the REST API reference of Flink's documentation for 1.18 and
 * later (Operations → REST API); test/integration/flink runs them against a real Flink.
 */

/** Job states (`GET /jobs`, `GET /jobs/:jobid`). */
export const FlinkJobState = {
  Initializing: 'INITIALIZING',
  Created: 'CREATED',
  Running: 'RUNNING',
  Failing: 'FAILING',
  Failed: 'FAILED',
  Cancelling: 'CANCELLING',
  Canceled: 'CANCELED',
  Finished: 'FINISHED',
  Restarting: 'RESTARTING',
  Suspended: 'SUSPENDED',
  Reconciling: 'RECONCILING',
} as const;
export type FlinkJobState = (typeof FlinkJobState)[keyof typeof FlinkJobState];

/** Savepoint formats (`formatType`). */
export const SavepointFormatType = { Canonical: 'CANONICAL', Native: 'NATIVE' } as const;
export type SavepointFormatType = (typeof SavepointFormatType)[keyof typeof SavepointFormatType];

/** Checkpoint types for a manual checkpoint trigger (`checkpointType`, Flink 1.17+). */
export const CheckpointType = { Configured: 'CONFIGURED', Full: 'FULL', Incremental: 'INCREMENTAL' } as const;
export type CheckpointType = (typeof CheckpointType)[keyof typeof CheckpointType];

/** Restore claim modes (`claimMode` in 1.20+/2.x, `restoreMode` before). */
export const ClaimMode = { Claim: 'CLAIM', NoClaim: 'NO_CLAIM' } as const;
export type ClaimMode = (typeof ClaimMode)[keyof typeof ClaimMode];

/** `GET /overview` */
export interface ClusterOverviewDto {
  'flink-version': string;
  'flink-commit'?: string;
  taskmanagers: number;
  'slots-total': number;
  'slots-available': number;
  'jobs-running': number;
  'jobs-finished': number;
  'jobs-cancelled': number;
  'jobs-failed': number;
}

/** `GET /taskmanagers` (the fields we read). */
export interface TaskManagersDto {
  taskmanagers: {
    /** Its resource id (standalone: `<address>:<port>-<suffix>`). */
    id: string;
    /** Its RPC endpoint, e.g. `pekko.tcp://flink@10.0.0.5:6122/user/rpc/taskmanager_0`. */
    path: string;
    slotsNumber: number;
    freeSlots: number;
  }[];
}

/** `GET /config` (the dashboard configuration). */
export interface DashboardConfigDto {
  'refresh-interval': number;
  'timezone-name'?: string;
  'timezone-offset'?: number;
  'flink-version': string;
  'flink-revision'?: string;
  features?: Record<string, boolean>;
}

/** `GET /jobmanager/config` */
export type JobManagerConfigDto = { key: string; value: string }[];

/** `GET /jobs` */
export interface JobIdsWithStatusDto {
  jobs: { id: string; status: FlinkJobState }[];
}

/** `GET /jobs/overview` (the fields we read). */
export interface JobsOverviewDto {
  jobs: { jid: string; name: string; state: FlinkJobState }[];
}

/** One vertex of `GET /jobs/:jobid`. */
export interface JobVertexDto {
  id: string;
  name: string;
  parallelism: number;
  maxParallelism?: number;
  status: string;
  'start-time': number;
  'end-time': number;
  duration: number;
  tasks?: Record<string, number>;
}

/**
 * `GET|PUT /jobs/:jobid/resource-requirements` (adaptive scheduler, Flink 1.18+): per job vertex id,
 * the parallelism the scheduler may run it at.
 */
export type JobResourceRequirementsDto = Record<string, { parallelism: { lowerBound: number; upperBound: number } }>;

/** `GET /jobs/:jobid` */
export interface JobDetailsDto {
  jid: string;
  name: string;
  isStoppable: boolean;
  state: FlinkJobState;
  'job-type'?: string;
  'start-time': number;
  'end-time': number;
  duration: number;
  now: number;
  timestamps: Partial<Record<FlinkJobState, number>>;
  vertices: JobVertexDto[];
  'status-counts'?: Record<string, number>;
}

/** One entry of the exception history. */
export interface ExceptionHistoryEntryDto {
  exceptionName: string;
  stacktrace: string;
  timestamp: number;
  taskName?: string | null;
  endpoint?: string | null;
  taskManagerId?: string | null;
  failureLabels?: Record<string, string>;
  concurrentExceptions?: ExceptionHistoryEntryDto[];
}

/** `GET /jobs/:jobid/exceptions` */
export interface JobExceptionsDto {
  exceptionHistory: { entries: ExceptionHistoryEntryDto[]; truncated: boolean };
}

/** The answer of an async trigger: `202 {"request-id"}`. */
export interface TriggerResponseDto {
  'request-id': string;
}

/** `POST /jobs/:jobid/savepoints` */
export interface SavepointTriggerRequestDto {
  'target-directory'?: string;
  'cancel-job': boolean;
  formatType?: SavepointFormatType;
  triggerId?: string;
}

/** `POST /jobs/:jobid/stop` */
export interface StopWithSavepointRequestDto {
  targetDirectory?: string;
  drain: boolean;
  formatType?: SavepointFormatType;
  triggerId?: string;
}

/** `POST /jobs/:jobid/checkpoints` (1.17+) */
export interface CheckpointTriggerRequestDto {
  checkpointType?: CheckpointType;
  triggerId?: string;
}

/** `POST /savepoint-disposal` */
export interface SavepointDisposalRequestDto {
  'savepoint-path': string;
}

/** A serialized throwable in an async operation's `failure-cause`. */
export interface SerializedThrowableDto {
  class?: string;
  'stack-trace'?: string;
  'serialized-throwable'?: string;
}

/** Status of an async operation: savepoint, stop, checkpoint, disposal. */
export interface AsynchronousOperationResultDto<Operation> {
  status: { id: 'IN_PROGRESS' | 'COMPLETED' };
  operation?: Operation;
}

/** `operation` of `GET /jobs/:jobid/savepoints/:triggerid` */
export interface SavepointInfoDto {
  location?: string;
  'failure-cause'?: SerializedThrowableDto;
}

/** `operation` of `GET /jobs/:jobid/checkpoints/:triggerid` (Flink's CheckpointInfo: `failureCause`, camel case). */
export interface CheckpointInfoDto {
  checkpointId?: number;
  failureCause?: SerializedThrowableDto;
  'failure-cause'?: SerializedThrowableDto;
}

/** `operation` of `GET /savepoint-disposal/:triggerid` */
export interface DisposalInfoDto {
  'failure-cause'?: SerializedThrowableDto;
}

/** A completed checkpoint or savepoint in `latest`. */
export interface CompletedCheckpointDto {
  id: number;
  status: string;
  is_savepoint: boolean;
  savepointFormat?: string | null;
  trigger_timestamp: number;
  latest_ack_timestamp: number;
  state_size?: number;
  end_to_end_duration?: number;
  external_path?: string;
  discarded?: boolean;
  checkpoint_type?: string;
}

/** A failed checkpoint in `latest`. */
export interface FailedCheckpointDto {
  id: number;
  status: string;
  is_savepoint: boolean;
  trigger_timestamp: number;
  failure_timestamp?: number;
  failure_message?: string;
}

/** `latest.restored` */
export interface RestoredCheckpointDto {
  id: number;
  restore_timestamp: number;
  is_savepoint: boolean;
  external_path?: string;
}

/** `GET /jobs/:jobid/checkpoints` */
export interface CheckpointingStatisticsDto {
  counts: { restored: number; total: number; in_progress: number; completed: number; failed: number };
  latest: {
    completed: CompletedCheckpointDto | null;
    savepoint: CompletedCheckpointDto | null;
    failed: FailedCheckpointDto | null;
    restored: RestoredCheckpointDto | null;
  };
  history: { id: number; status: string; is_savepoint: boolean; external_path?: string; trigger_timestamp: number }[];
}

/** One job vertex of a checkpoint's details: `tasks[<vertex id>]`. */
export interface TaskCheckpointStatisticsDto {
  id: number;
  status: string;
  state_size?: number;
  checkpointed_size?: number;
  num_subtasks?: number;
}

/** `GET /jobs/:jobid/checkpoints/details/:checkpointid` */
export interface CheckpointDetailsDto {
  id: number;
  status: string;
  is_savepoint: boolean;
  tasks: Record<string, TaskCheckpointStatisticsDto>;
}

/** `POST /jars/upload` */
export interface JarUploadResponseDto {
  filename: string;
  status: string;
}

/** `GET /jars` */
export interface JarListDto {
  address: string;
  files: { id: string; name: string; uploaded: number; entry: { name: string; description: string | null }[] }[];
}

/** `POST /jars/:jarid/run` (claimMode in 1.20+/2.x, restoreMode in 1.15–1.19). */
export interface JarRunRequestDto {
  entryClass?: string;
  programArgsList?: string[];
  parallelism?: number;
  jobId?: string;
  allowNonRestoredState?: boolean;
  savepointPath?: string;
  claimMode?: ClaimMode;
  restoreMode?: ClaimMode;
  flinkConfiguration?: Record<string, string>;
}

/** `POST /jars/:jarid/run` answer */
export interface JarRunResponseDto {
  jobid: string;
}

/** `GET /jobs/:jobid/vertices/:vertexid/metrics?get=a,b` */
export type MetricValuesDto = { id: string; value: string }[];

/** `GET /jobs/:jobid/vertices/:vertexid/subtasks/metrics?get=a,b` */
export type AggregatedMetricsDto = {
  id: string;
  min?: number;
  max?: number;
  avg?: number;
  sum?: number;
  skew?: number;
}[];

/** The error body of every failed call: `{"errors": [...]}`. */
export interface ErrorResponseDto {
  errors?: string[];
}
