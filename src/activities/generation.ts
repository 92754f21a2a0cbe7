/**
 * The activities of blue/green generations (src/k8s/render/generation.ts, docs/workflows.md):
 * wait for a generation's session cluster to be ready, submit the job to it (idempotent by our
 * job id), point `<app>-rest` at the live generation, and remove a generation. Each is
 * idempotent; each wait is bounded by a deadline the workflow passes (kept across retries, moved
 * only by time nobody observed).
 */
import { Context } from '@temporalio/activity';
import { isFlinkError, type FlinkRestClient } from '../flink';
import {
  generationJarId,
  generationObjectNames,
  generationPodSelector,
  generationPrefix,
  objectNames,
  renderLiveRestService,
} from '../k8s/render';
import { ownerReferenceOf } from '../k8s/state-record/owner-reference';
import type { AppRef } from '../contract/app';
import { FailureType } from '../contract/failures';
import type { ActivityDeps } from './deps';
import { classified, fail } from './failures';
import { classifiedKeepingAlive, keepingAlive } from './keep-alive';
import { observed, observedDeadline } from './observed-deadline';
import { activitySignal } from './poll';
import { appPodSelector } from './deployment';
import { awaitPodsGone } from './pods-gone';
import { recordActivities } from './record';
import { jarRunOf, submitOnce } from './submit-once';
import type {
  AwaitClusterReadyInput,
  ClusterReady,
  RemoveGenerationInput,
  SessionClusterJob,
  SubmitJobInput,
  SubmittedJob,
  SwitchLiveInput,
} from './types';

/** The application `app`'s generation `generation`, as the Flink client factory takes it (`<app>-g<N>-rest`). */
function generationApp(app: AppRef, generation: number): AppRef {
  return { namespace: app.namespace, name: generationPrefix(app.name, generation) };
}

/** Flink's job states after which a job runs no more. */
const finishedJobStates: readonly string[] = ['FINISHED', 'CANCELED', 'FAILED'];

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/** What a cluster still lacks for the job, or undefined when it has everything. */
export function clusterShortfall(input: {
  taskManagers: number;
  slots: number;
  jars: readonly string[];
  needTaskManagers: number;
  needSlots: number;
  jarId?: string;
}): string | undefined {
  const missing: string[] = [];
  if (input.taskManagers < input.needTaskManagers)
    missing.push(`${input.taskManagers} of ${input.needTaskManagers} TaskManagers registered`);
  if (input.slots < input.needSlots) missing.push(`${input.slots} of ${input.needSlots} slots`);
  if (input.jarId !== undefined && !input.jars.includes(input.jarId))
    missing.push(`jar ${input.jarId} not in the web upload folder yet`);
  return missing.length > 0 ? missing.join(', ') : undefined;
}

/**
 * Until generation `generation`'s JobManager answers REST with the TaskManagers and slots the job
 * needs registered and the job's jar listed; DeploymentUnhealthy at the deadline, which counts
 * observed time only (./observed-deadline.ts: a worker outage before or during the wait moves it).
 * Each heartbeat carries `heartbeat` (a caller's resume point) beside what the cluster still lacks
 * and the observation a retry resumes from.
 */
export async function waitClusterReady(
  deps: ActivityDeps,
  input: AwaitClusterReadyInput,
  heartbeat: Record<string, unknown> = {},
): Promise<ClusterReady> {
  const { app, generation } = input;
  const where =
    generation === undefined
      ? `session cluster ${app.namespace}/${app.name}`
      : `generation ${generation} of ${app.namespace}/${app.name}`;
  const target = generation === undefined ? app : generationApp(app, generation);
  const pods = generation === undefined ? appPodSelector(app.name) : generationPodSelector(app.name, generation);
  return classified(`waiting for the cluster of ${where}`, async () => {
    const ctx = Context.current();
    const signal = activitySignal();
    const deadline = observedDeadline(input.deadline, deps.config.pollIntervalMs);
    let last = 'JobManager REST not reachable yet';
    for (;;) {
      try {
        const flink = await deps.flinkFor(target);
        const overview = await flink.overview();
        const jars = input.jarId === undefined ? [] : (await flink.listJars()).map((j) => j.id);
        const shortfall = clusterShortfall({
          taskManagers: overview.taskmanagers,
          slots: overview['slots-total'],
          jars,
          needTaskManagers: input.taskManagers,
          needSlots: input.slots,
          jarId: input.jarId,
        });
        if (!shortfall) return { taskManagers: overview.taskmanagers, slots: overview['slots-total'] };
        last = shortfall;
      } catch (err) {
        if (!isFlinkError(err)) throw err;
        last = `JobManager REST: ${err.message}`;
      }
      ctx.heartbeat({ ...heartbeat, last, ...observed(deadline) });
      if (Date.now() >= deadline)
        throw fail(
          FailureType.DeploymentUnhealthy,
          `the cluster of ${where} was not ready in time: ${last} (see \`kubectl get pods -n ${app.namespace} ` +
            `-l '${pods}'\`)`,
        );
      await sleep(deps.config.pollIntervalMs, signal);
      if (signal.aborted) throw new Error(`cancelled while waiting for the cluster of ${where}`);
    }
  });
}

export function generationActivities(deps: ActivityDeps) {
  const records = recordActivities(deps);
  return {
    /**
     * Until generation `generation`'s JobManager answers REST with the TaskManagers and slots the
     * job needs registered and the job's jar listed; DeploymentUnhealthy at the deadline (the
     * previous generation's job is untouched: this runs before it is stopped).
     */
    async awaitClusterReady(input: AwaitClusterReadyInput): Promise<ClusterReady> {
      return waitClusterReady(deps, input);
    },

    /** The jobs on session cluster `app` (`<app>-rest`) that have not finished, oldest first. */
    async sessionClusterJobs(input: { app: AppRef }): Promise<SessionClusterJob[]> {
      const { app } = input;
      return classified(`listing the jobs of session cluster ${app.namespace}/${app.name}`, async () => {
        // No JobManager Deployment (a delete or suspend that removed it was terminated before it recorded its end): no
        // job runs on the cluster, and its REST would never answer, failing the command that leads on.
        const jobManager = { namespace: app.namespace, name: objectNames(app.name).jobManager };
        if (!(await deps.kube.readDeploymentStatus(jobManager)).found) return [];
        const flink = await deps.flinkFor(app);
        const jobs = await flink.jobsOverview({ signal: activitySignal() });
        return jobs
          .filter((job) => !finishedJobStates.includes(job.state))
          .map((job) => ({ jobId: job.jid, name: job.name, state: job.state }));
      });
    },

    /**
     * `POST /jars/:jarid/run` on generation `generation` with our job id, unless Flink already
     * knows that job id there (a retried submit never starts a second job; Flink refuses a
     * duplicate job id too, which counts as submitted).
     */
    async submitJob(input: SubmitJobInput): Promise<SubmittedJob> {
      const { app, generation, spec, jobId } = input;
      const where = `generation ${generation} of ${app.namespace}/${app.name}`;
      return classified(`submitting job ${jobId} to ${where}`, async () => {
        const flink: FlinkRestClient = await deps.flinkFor(generationApp(app, generation));
        return submitOnce(flink, jobId, async () =>
          jarRunOf({ jarId: generationJarId(spec), spec, jobId, restore: input.restore }),
        );
      });
    },

    /** Server-side apply of `<app>-rest` selecting generation `generation`'s JobManager. */
    async switchLiveService(input: SwitchLiveInput): Promise<void> {
      const { spec } = input;
      const doing = `pointing ${spec.namespace}/${spec.name}-rest at generation ${input.generation}`;
      await classifiedKeepingAlive(doing, async () => {
        const owner = ownerReferenceOf(await deps.kube.records.readRecord(spec.namespace, spec.name));
        await deps.kube.apply([
          renderLiveRestService({ spec, generation: input.generation, ...(owner ? { owner } : {}) }),
        ]);
      });
    },

    /**
     * The blue/green generations whose pods stand (the generation label's pods, by their generation annotation),
     * lowest first: an operation that never finished may have left one beside the record's.
     */
    async standingGenerations(input: { app: AppRef }): Promise<number[]> {
      const { app } = input;
      const doing = `listing the generations of ${app.namespace}/${app.name}`;
      return classifiedKeepingAlive(doing, async () => {
        const labelSelector = generationPodSelector(app.name, 'any');
        const report = await deps.kube.listAppPods({ namespace: app.namespace, labelSelector, eventLimit: 0 });
        const standing = new Set(report.pods.map((p) => p.generation).filter((g): g is number => g !== undefined));
        return [...standing].sort((a, b) => a - b);
      });
    },

    /**
     * Remove one generation: `recordFirst` written, then its Deployments (then wait, bounded, for
     * its pods to go), its ConfigMap and Services. `blueGreen: false` is a recreate generation (the objects named
     * `<app>-*` without a generation label; `<app>-rest` stays, it is the live Service).
     */
    async removeGeneration(input: RemoveGenerationInput): Promise<void> {
      const { app, generation } = input;
      const { namespace } = app;
      // Written before anything goes (a failed write fails here, nothing deleted).
      if (input.recordFirst) await records.updateRecord({ app, ...input.recordFirst });
      await classified(`removing generation ${generation} of ${namespace}/${app.name}`, async () => {
        const names = input.blueGreen ? generationObjectNames(app.name, generation) : objectNames(app.name);
        const targets = [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: names.jobManager },
          { apiVersion: 'apps/v1', kind: 'Deployment', name: names.taskManager },
          { apiVersion: 'v1', kind: 'ConfigMap', name: names.configMap },
          { apiVersion: 'v1', kind: 'Service', name: names.rpcService },
          ...(input.blueGreen ? [{ apiVersion: 'v1', kind: 'Service', name: names.restService }] : []),
        ];
        await keepingAlive(`deleting generation ${generation} of ${namespace}/${app.name}`, async () => {
          for (const t of targets) await deps.kube.delete({ ...t, namespace, propagationPolicy: 'Background' });
        });
        await awaitPodsGone(deps, {
          namespace,
          labelSelector: generationPodSelector(app.name, input.blueGreen ? generation : undefined),
          what: `generation ${generation} of ${namespace}/${app.name}`,
        });
      });
    },
  };
}
