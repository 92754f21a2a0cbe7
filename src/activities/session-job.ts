/**
 * The activities of a session job (AppSpec.sessionJob; docs/spec.md, "Session jobs"): its session
 * cluster checked (exists, is a session cluster, runs), its jar staged on the cluster (fetched by the
 * worker, uploaded once per content), and the job submitted with our job id unless Flink knows it.
 */
import type { AppRef } from '../contract/app';
import { FailureType } from '../contract/failures';
import { sessionClusterProblem, slotsProblem } from '../contract/session-jobs';
import type { FlinkRestClient } from '../flink';
import { AnnotationKey, objectNames } from '../k8s/render';
import { checkpointRetentionKey } from '../spec/guarantees';
import type { AppSpec } from '../spec/types';
import type { ActivityDeps } from './deps';
import { classified, fail } from './failures';
import { refuseOverStateParallelism } from './state-parallelism';
import { activitySignal } from './poll';
import { jarRunOf, submitOnce } from './submit-once';
import { discardJar, fetchJar, JarUnavailableError, s3AccessOf } from './session-jar';
import type { SubmittedJob } from './types';
import { slotsOfOtherJobs } from './session-slots';
import { growTaskManagers } from './task-managers';
import { jarDeletedOr, keeperOf, keepOneUpload, removeUnusedJars, type ClusterJar } from './unused-jars';

/** Input of `submitSessionJob`. */
export interface SubmitSessionJobInput {
  spec: AppSpec;
  /** The job's generation (its record's), for the words. */
  generation: number;
  /** 32 hex, recorded (`deploying`) before this call. */
  jobId: string;
  restore?: { path: string; allowNonRestoredState: boolean };
}

/** The session cluster a session job runs on. */
export function clusterOf(spec: AppSpec): AppRef {
  const name = spec.sessionJob?.deploymentName;
  if (name === undefined) throw new Error(`${spec.namespace}/${spec.name} is not a session job`);
  return { namespace: spec.namespace, name };
}

/**
 * Refuses (InvalidSpec, nothing changed) a cluster that is missing, not a session cluster, not running, or
 * without the free slots the job needs (the slots its other jobs hold or ask, asked of Flink).
 */
export async function checkSessionCluster(deps: ActivityDeps, spec: AppSpec, flink: FlinkRestClient): Promise<void> {
  const cluster = clusterOf(spec);
  const record = await deps.kube.records.readRecord<AppSpec>(cluster.namespace, cluster.name);
  const problem = sessionClusterProblem(spec, cluster, record?.record);
  if (problem) throw fail(FailureType.InvalidSpec, `${problem}; nothing was changed`);
  const deployed = record!.record.lastAppliedSpec!;
  const short = slotsProblem(spec, cluster, deployed, await slotsOfOtherJobs(deps, flink, spec));
  if (short) throw fail(FailureType.InvalidSpec, `${short}; nothing was changed`);
  // An upgrade to a parallelism the running job's state cannot be restored at (the cluster's scheduler counts too).
  const own = await deps.kube.records.readRecord<AppSpec>(spec.namespace, spec.name);
  await refuseOverStateParallelism({
    spec,
    record: own?.record,
    flink: () => Promise.resolve(flink),
    what: `session job ${spec.namespace}/${spec.name}`,
    scheduler: deployed.flinkConfiguration,
  });
}

/** The job's jar on the cluster: fetched by the worker, uploaded unless the cluster has that content. */
async function stagedJar(deps: ActivityDeps, flink: FlinkRestClient, spec: AppSpec): Promise<ClusterJar> {
  const signal = activitySignal();
  let jar;
  try {
    jar = await fetchJar(spec.job.jarURI, {
      schemes: deps.config.sessionJarSchemes,
      maxBytes: deps.config.sessionJarMaxMiB * 1024 * 1024,
      // Read at each fetch: the worker's AWS variables, as any S3 client of it would.
      s3: s3AccessOf(process.env, deps.config.sessionJarS3Endpoint),
      ...(deps.config.sessionJarMirrors ? { mirrors: deps.config.sessionJarMirrors } : {}),
      signal,
    });
  } catch (err) {
    if (err instanceof JarUnavailableError) throw fail(FailureType.InvalidSpec, `${err.message}; nothing was changed`);
    throw err;
  }
  try {
    const known = keeperOf(await flink.listJars({ signal }), jar.name);
    if (known) return known;
    const { jarId } = await flink.uploadJar({ jarPath: jar.file }, { signal });
    // Two stagings of one content at once (jobs of one rollout) may both upload it: one upload stays.
    return await keepOneUpload(flink, jar.name, jarId, signal);
  } finally {
    await discardJar(jar);
  }
}

export function sessionJobActivities(deps: ActivityDeps) {
  return {
    /** The FlinkSessionJobs recorded `status` (running unless asked) on session cluster `cluster`, by name. */
    async sessionJobsOnCluster(input: { cluster: AppRef; status?: 'running' | 'suspended' }): Promise<AppRef[]> {
      const { cluster, status = 'running' } = input;
      return classified(`listing the session jobs of ${cluster.namespace}/${cluster.name}`, async () => {
        const records = await deps.kube.records.listRecords<AppSpec>([cluster.namespace]);
        return records
          .flatMap((r) => (r instanceof Error ? [] : [r.record]))
          .filter((r) => r.status === status && r.lastAppliedSpec?.sessionJob?.deploymentName === cluster.name)
          .map((r) => ({ namespace: r.namespace, name: r.app }))
          .sort((a, b) => a.name.localeCompare(b.name));
      });
    },

    /**
     * Before anything is torn down or recorded: the cluster checked and the job's jar staged on it
     * (so a jar that cannot be had fails here, the running job untouched).
     */
    async stageSessionJob(input: { spec: AppSpec }): Promise<void> {
      const { spec } = input;
      const cluster = clusterOf(spec);
      await classified(`staging the jar of session job ${spec.namespace}/${spec.name}`, async () => {
        const flink = await deps.flinkFor(cluster);
        await checkSessionCluster(deps, spec, flink);
        await stagedJar(deps, flink, spec);
      });
    },

    /**
     * `POST /jars/:jarid/run` on the session cluster with our job id, unless Flink already knows that job id
     * (a retried submit never starts a second job; a duplicate job id refused counts as submitted).
     */
    async submitSessionJob(input: SubmitSessionJobInput): Promise<SubmittedJob> {
      const { spec, jobId } = input;
      const cluster = clusterOf(spec);
      const doing =
        `submitting job ${jobId} (generation ${input.generation} of ${spec.name}) to session cluster ` + cluster.name;
      return classified(doing, async () => {
        const flink = await deps.flinkFor(cluster);
        const signal = activitySignal();
        // Checkpoints retained on cancel, as an application's (a last-state upgrade cancels, then restores).
        const config = { ...spec.flinkConfiguration, [checkpointRetentionKey]: 'RETAIN_ON_CANCELLATION' };
        let jar: ClusterJar | undefined;
        let submitted: SubmittedJob;
        try {
          submitted = await submitOnce(
            flink,
            jobId,
            async () => {
              jar = await stagedJar(deps, flink, spec);
              // Recorded before the run: from now on no other job's operation deletes this jar as unused, and a
              // cluster with TaskManagers on demand counts the job's slots.
              await deps.kube.annotateService({
                namespace: spec.namespace,
                name: objectNames(spec.name).restService,
                annotations: { [AnnotationKey.Jar]: jar.name, [AnnotationKey.Slots]: String(spec.job.parallelism) },
              });
              await growTaskManagers(deps, cluster);
              return {
                ...jarRunOf({ jarId: jar.id, spec, jobId, restore: input.restore }),
                flinkConfiguration: config,
              };
            },
            signal,
          );
        } catch (err) {
          throw await jarDeletedOr(flink, jar, err, signal);
        }
        await removeUnusedJars(deps, flink, cluster, signal);
        return submitted;
      });
    },
  };
}
