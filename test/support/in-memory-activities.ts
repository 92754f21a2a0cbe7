/**
 * IN-MEMORY ACTIVITIES for workflow tests on the time-skipping server (test pyramid level 3):
 * a named fake of Kubernetes + Flink that keeps the deployed-state record with the real pure
 * reducer (src/activities/record-changes.ts) and the real lock rules, and lets a test script
 * faults no real server shows on cue (a savepoint that fails, a version that never stabilises).
 * It decides workflow branches only: the activities' own branches are tested on the real
 * activities (test/unit/activities over test/support/in-memory-kube.ts and mock-flink.ts, and
 * test/integration/workflows/real-activities.test.ts); end-to-end tests use the real stack.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { classify } from '../../src/activities/failures';
import { savepointCheckActivities } from '../../src/activities/savepoint-check';
import { applyUpdate, markDisposal, toDeployedState, type AppRecord } from '../../src/activities/record-changes';
import { withLockAcquired } from '../../src/k8s/state-record/lock';
import { emptyRecord } from '../../src/k8s/state-record/types';
import type {
  FlinkDeployActivities,
  CheckpointInfo,
  StateLeft,
  SessionClusterJob,
  UpdateRecordInput,
} from '../../src/activities/types';
import type { AppSpec } from '../../src/spec/types';
import { FailureType, type SavepointFailoverDetail } from '../../src/contract/failures';

export interface FakeJob {
  jobId: string;
  image: string;
  restoredFrom?: string;
  state: 'RUNNING' | 'FINISHED' | 'CANCELED' | 'FAILED';
  /** Blue-green: the generation's cluster the job was submitted to. */
  generation?: number;
}

export interface Script {
  /** takeSavepoint fails with SavepointFailed. */
  savepointFails?: boolean;
  /**
   * How the next takeSavepoint calls end, one entry each, before anything else: `failover`, the trigger failed
   * while the job was failing over (SavepointFailed with the activity's failover detail, bound 3); `declined`,
   * as `savepointFails`. Used up: as the rest of the script says.
   */
  savepointOutcomes?: ('failover' | 'declined')[];
  /** Images whose jobs fail (JobFailed) / never stabilise (NotStable). */
  failingImages?: string[];
  unstableImages?: string[];
  /** Images whose stability wait never ends (until the activity is cancelled). */
  hangingImages?: string[];
  checkpoint?: CheckpointInfo | null;
  /** The latest savepoint Flink names for an ended job (stateLeft), as its checkpoint statistics would. */
  savepointLeft?: StateLeft['savepoint'];
  /** takeSavepoint takes this long (heartbeating), so a test can cancel while it runs. */
  savepointMs?: number;
  /** preflightApplication refuses these images (KubernetesRefused), as an API server's 422 would. */
  refusedImages?: string[];
  /** applyApplication refuses these images (KubernetesRefused) though the pre-flight passed. */
  applyRefusedImages?: string[];
  /** disposeSavepoints fails for these locations. */
  disposalFails?: string[];
  /** beginOperation takes this long before it takes the lock (and ignores cancellation, as a real write may). */
  lockDelayMs?: number;
  /** applyApplication of these images takes `slowApplyMs` before it lands (ignoring cancellation). */
  slowApplyImages?: string[];
  slowApplyMs?: number;
  /** Blue-green: the clusters of these images never get ready (awaitClusterReady: DeploymentUnhealthy). */
  clusterNotReadyImages?: string[];
  /** Blue-green: the first submitJob lands but its answer is lost (a transport error), as a timed-out POST. */
  submitAnswerLost?: boolean;
  /** Session cluster: the jobs sessionClusterJobs finds on it. */
  sessionJobs?: SessionClusterJob[];
  /** Session job: stageSessionJob refuses these jar URIs (InvalidSpec), as a jar that cannot be fetched. */
  stageRefusedJars?: string[];
  /** Session cluster: the session jobs recorded running on it (sessionJobsOnCluster). */
  sessionJobRecords?: { namespace: string; name: string }[];
  /** Session cluster: the session jobs recorded suspended on it (sessionJobsOnCluster, status suspended). */
  suspendedSessionJobRecords?: { namespace: string; name: string }[];
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class InMemoryCluster {
  record: AppRecord | undefined;
  /** The Ingress of spec.ingress as applyIngress left it (undefined: none). */
  ingress: AppSpec['ingress'];
  jobs: FakeJob[] = [];
  calls: { name: string; input: unknown }[] = [];
  triggers: string[] = [];
  /** At each takeSavepoint: the trigger id the record's intent held, and the ones it says were replaced. */
  intentsAtTrigger: { triggerId: unknown; failedTriggerIds: unknown }[] = [];
  disposedLocations: string[] = [];
  /** Generations whose Flink HA ConfigMaps exist (a started JobManager writes them). */
  haGenerations = new Set<number>();
  /** Blue-green: the generations whose clusters stand, with the image they run. */
  clusters = new Map<number, string>();
  script: Script = {};

  runningJobs(): FakeJob[] {
    return this.jobs.filter((j) => j.state === 'RUNNING');
  }

  /** updateRecord's write (the real reducer) under the real lock rule: LockLost when not held. */
  private writeRecord(input: UpdateRecordInput): void {
    if (!this.record?.operation || this.record.operation.workflowId !== input.workflowId) {
      throw ApplicationFailure.create({
        type: FailureType.LockLost,
        nonRetryable: true,
        message: 'lock not held',
      });
    }
    this.record = applyUpdate(this.record, input, new Date());
  }

  activities(): FlinkDeployActivities {
    const log = (name: string, input: unknown) => this.calls.push({ name, input });
    const separate = this.separateActivities(log);
    return {
      ...separate,
      // Blue-green's folded steps (patch blue-green-folded-steps): the steps they fold, in order, each logged.
      startGeneration: async (input) => {
        log('startGeneration', input);
        const app = { namespace: input.spec.namespace, name: input.spec.name };
        this.writeRecord({ app, ...input.recordFirst });
        const { spec, generation, jobId } = input;
        await separate.removeGeneration({ app, generation, blueGreen: true });
        await separate.removeHaMetadata({ app, generations: [generation] });
        await separate.applyApplication({ spec, generation, jobId });
        return separate.awaitClusterReady({ app, generation, ...input.ready });
      },
      submitToGeneration: async (input) => {
        log('submitToGeneration', input);
        const { recordFirst, recordWhenLive, ...job } = input;
        this.writeRecord({ app: input.app, ...recordFirst });
        const submitted = await separate.submitJob(job);
        await separate.switchLiveService({ spec: input.spec, generation: input.generation });
        this.writeRecord({ app: input.app, ...recordWhenLive });
        return submitted;
      },
    };
  }

  private separateActivities(
    log: (name: string, input: unknown) => void,
  ): Omit<FlinkDeployActivities, 'startGeneration' | 'submitToGeneration'> {
    const disposeEach = (locations: string[]) => {
      const result = { disposed: [] as string[], failed: [] as { location: string; error: string }[] };
      for (const location of locations) {
        const fails = this.script.disposalFails?.includes(location);
        if (this.record) this.record = markDisposal(this.record, location, fails ? 'disposal refused' : undefined);
        if (fails) result.failed.push({ location, error: 'disposal refused' });
        else {
          result.disposed.push(location);
          this.disposedLocations.push(location);
        }
      }
      return result;
    };
    return {
      beginOperation: async (input) => {
        log('beginOperation', input);
        if (this.script.lockDelayMs) await delay(this.script.lockDelayMs);
        const rec = this.record ?? emptyRecord<AppSpec>(input.app.namespace, input.app.name);
        // The real lock rule and the real classification of its refusal (the message the CLI shows).
        try {
          this.record = withLockAcquired(
            rec,
            {
              namespace: input.app.namespace,
              app: input.app.name,
              workflowId: input.workflowId,
              runId: input.runId,
              operation: input.operation,
              intent: input.intent,
            },
            new Date(),
          ).record;
        } catch (err) {
          throw classify(err, `locking ${input.app.namespace}/${input.app.name}`);
        }
        return toDeployedState(this.record.generation === 0 && !this.record.lastAppliedSpec ? undefined : this.record);
      },
      updateRecord: async (input) => {
        log('updateRecord', input);
        this.writeRecord(input);
      },
      takeSavepoint: async (input) => {
        log('takeSavepoint', input);
        if (input.recordFirst) this.writeRecord({ app: input.app, ...input.recordFirst });
        this.triggers.push(input.triggerId);
        const intent = this.record?.operation?.intent ?? {};
        this.intentsAtTrigger.push({ triggerId: intent.triggerId, failedTriggerIds: intent.failedTriggerIds });
        const outcome = this.script.savepointOutcomes?.shift();
        if (outcome === 'failover') {
          const cause = 'org.apache.flink.runtime.checkpoint.CheckpointException: Trigger checkpoint failure.';
          throw ApplicationFailure.create({
            type: FailureType.SavepointFailed,
            nonRetryable: true,
            message: `trigger ${input.triggerId} failed while the job was failing over (job RESTARTING): ${cause}`,
            details: [
              {
                kind: 'savepoint-failed-in-failover',
                triggerId: input.triggerId,
                cause,
                evidence: 'the job is RESTARTING',
                attempts: 3,
              } satisfies SavepointFailoverDetail,
            ],
          });
        }
        if (outcome === 'declined') {
          throw ApplicationFailure.create({
            type: FailureType.SavepointFailed,
            nonRetryable: true,
            message: 'savepoint declined: checkpoint coordinator failure',
          });
        }
        for (let waited = 0; waited < (this.script.savepointMs ?? 0); waited += 100) {
          Context.current().heartbeat();
          await Context.current().sleep(100);
        }
        const job = this.jobs.find((j) => j.jobId === input.jobId);
        if (this.script.savepointFails || !job || job.state !== 'RUNNING') {
          throw ApplicationFailure.create({
            type: FailureType.SavepointFailed,
            nonRetryable: true,
            message: 'savepoint declined: checkpoint coordinator failure',
          });
        }
        if (input.stop) job.state = 'FINISHED';
        return { location: `file:///sp/savepoint-${input.triggerId.slice(0, 6)}`, recovered: false };
      },
      latestCheckpoint: async (input) => {
        log('latestCheckpoint', input);
        return this.script.checkpoint ?? null;
      },
      stateLeft: async (input) => {
        log('stateLeft', input);
        return { checkpoint: this.script.checkpoint ?? null, savepoint: this.script.savepointLeft ?? null };
      },
      jobState: async (input) => {
        log('jobState', input);
        const job = this.jobs.find((j) => j.jobId === input.jobId);
        return { state: job ? job.state : 'NOT_FOUND' };
      },
      cancelJob: async (input) => {
        log('cancelJob', input);
        const job = this.jobs.find((j) => j.jobId === input.jobId);
        if (job && job.state === 'RUNNING') job.state = 'CANCELED';
      },
      preflightApplication: async (input) => {
        log('preflightApplication', input);
        if (this.script.refusedImages?.includes(input.spec.image)) {
          throw ApplicationFailure.create({
            type: FailureType.KubernetesRefused,
            nonRetryable: true,
            message: `pre-flight: image ${input.spec.image} refused (K8S_INVALID)`,
          });
        }
      },
      applyApplication: async (input) => {
        log('applyApplication', input);
        if (this.script.applyRefusedImages?.includes(input.spec.image)) {
          throw ApplicationFailure.create({
            type: FailureType.KubernetesRefused,
            nonRetryable: true,
            message: `applying: image ${input.spec.image} refused (K8S_FORBIDDEN)`,
          });
        }
        if (this.script.slowApplyImages?.includes(input.spec.image)) await delay(this.script.slowApplyMs ?? 1000);
        if (input.spec.upgradeStrategy === 'blue-green' || input.jobId === undefined) {
          // A session cluster (of a blue-green generation, or spec.sessionCluster): no job yet.
          this.clusters.set(input.generation, input.spec.image);
          this.haGenerations.add(input.generation);
          log('applyApplication:landed', input);
          return;
        }
        // Recreate strategy: the old JobManager (and its job) is gone before the new one starts.
        for (const j of this.jobs) if (j.state === 'RUNNING') j.state = 'CANCELED';
        this.haGenerations.add(input.generation);
        this.jobs.push({
          jobId: input.jobId,
          image: input.spec.image,
          restoredFrom: input.restore?.path,
          state: 'RUNNING',
        });
        log('applyApplication:landed', input);
      },
      applyIngress: async (input) => {
        log('applyIngress', input);
        const had = this.ingress !== undefined;
        this.ingress = input.spec.ingress;
        return input.spec.ingress ? 'applied' : had ? 'deleted' : 'none';
      },
      removeDeployments: async (input) => {
        log('removeDeployments', input);
        for (const j of this.jobs) if (j.state === 'RUNNING') j.state = 'CANCELED';
        // A session cluster's own cluster (blue-green generations go with removeGeneration).
        if (this.record?.lastAppliedSpec?.sessionCluster) this.clusters.clear();
      },
      removeApplicationObjects: async (input) => {
        log('removeApplicationObjects', input);
        // Only what an apply made (an application never applied has none of them).
        const removed = this.record?.lastAppliedSpec ? ['ConfigMap/config', 'Service/rpc', 'Service/rest'] : [];
        return { removed, haClusterId: input.clusterId };
      },
      deleteRecord: async (input) => {
        log('deleteRecord', input);
        const existed = this.record !== undefined;
        this.record = undefined;
        return existed;
      },
      awaitClusterReady: async (input) => {
        log('awaitClusterReady', input);
        const generation = input.generation ?? this.record?.generation ?? 0;
        const image = this.clusters.get(generation);
        if (!image || this.script.clusterNotReadyImages?.includes(image)) {
          throw ApplicationFailure.create({
            type: FailureType.DeploymentUnhealthy,
            nonRetryable: true,
            message:
              `the cluster of generation ${generation} was not ready in time: 0 of 1 TaskManagers ` + `registered`,
          });
        }
        return { taskManagers: input.taskManagers, slots: input.slots };
      },
      sessionClusterJobs: async (input) => {
        log('sessionClusterJobs', input);
        return this.script.sessionJobs ?? [];
      },
      submitJob: async (input) => {
        log('submitJob', input);
        if (!this.clusters.has(input.generation)) throw new Error(`no cluster of generation ${input.generation}`);
        if (this.jobs.some((j) => j.jobId === input.jobId)) return { jobId: input.jobId, submitted: false };
        this.jobs.push({
          jobId: input.jobId,
          image: input.spec.image,
          restoredFrom: input.restore?.path,
          state: 'RUNNING',
          generation: input.generation,
        });
        if (this.script.submitAnswerLost) {
          this.script.submitAnswerLost = false;
          throw new Error('POST /jars/job.jar/run: socket hang up');
        }
        return { jobId: input.jobId, submitted: true };
      },
      sessionJobsOnCluster: async (input) => {
        log('sessionJobsOnCluster', input);
        if (input.status === 'suspended') return this.script.suspendedSessionJobRecords ?? [];
        return this.script.sessionJobRecords ?? [];
      },
      stageSessionJob: async (input) => {
        log('stageSessionJob', input);
        if (this.script.stageRefusedJars?.includes(input.spec.job.jarURI))
          throw ApplicationFailure.create({
            type: FailureType.InvalidSpec,
            nonRetryable: true,
            message: `${input.spec.job.jarURI}: the server answered 404; nothing was changed`,
          });
      },
      submitSessionJob: async (input) => {
        log('submitSessionJob', input);
        if (this.jobs.some((j) => j.jobId === input.jobId)) return { jobId: input.jobId, submitted: false };
        this.jobs.push({
          jobId: input.jobId,
          // A session job has no image of its own: its jar names the version (failingImages, unstableImages).
          image: input.spec.job.jarURI,
          restoredFrom: input.restore?.path,
          state: 'RUNNING',
          generation: input.generation,
        });
        return { jobId: input.jobId, submitted: true };
      },
      switchLiveService: async (input) => {
        log('switchLiveService', input);
      },
      standingGenerations: async (input) => {
        log('standingGenerations', input);
        return [...this.clusters.keys()].sort((a, b) => a - b);
      },
      removeGeneration: async (input) => {
        log('removeGeneration', input);
        if (input.recordFirst) this.writeRecord({ app: input.app, ...input.recordFirst });
        this.clusters.delete(input.generation);
        for (const j of this.jobs) if (j.state === 'RUNNING' && j.generation === input.generation) j.state = 'CANCELED';
        if (!input.blueGreen)
          for (const j of this.jobs) if (j.state === 'RUNNING' && j.generation === undefined) j.state = 'CANCELED';
      },
      removeHaMetadata: async (input) => {
        log('removeHaMetadata', input);
        for (const generation of input.generations) this.haGenerations.delete(generation);
      },
      awaitJobStable: async (input) => {
        log('awaitJobStable', input);
        const job = this.jobs.find((j) => j.jobId === input.jobId);
        if (job && this.script.failingImages?.includes(job.image)) {
          job.state = 'FAILED';
          throw ApplicationFailure.create({
            type: FailureType.JobFailed,
            nonRetryable: true,
            message: `job ${input.jobId} FAILED: ClassNotFoundException`,
          });
        }
        if (job && this.script.hangingImages?.includes(job.image)) {
          for (;;) {
            Context.current().heartbeat();
            await Context.current().sleep(200);
          }
        }
        if (job && this.script.unstableImages?.includes(job.image)) {
          throw ApplicationFailure.create({
            type: FailureType.NotStable,
            nonRetryable: true,
            message: `job ${input.jobId} not stable within ${input.stability.timeoutSeconds}s`,
          });
        }
        return { restoredFrom: job?.restoredFrom, completedCheckpoints: 1 };
      },
      disposeSavepoints: async (input) => {
        log('disposeSavepoints', input);
        return disposeEach(input.locations);
      },
      endAndDispose: async (input) => {
        log('endAndDispose', input);
        const { dispose, ...end } = input;
        this.writeRecord(end);
        return disposeEach(dispose);
      },
      // The real check: a test names savepoint directories it made (with or without _metadata).
      checkSavepoint: async (input) => {
        log('checkSavepoint', input);
        return savepointCheckActivities().checkSavepoint(input);
      },
    };
  }
}
