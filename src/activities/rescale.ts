/**
 * In-place rescale (issue 15): the TaskManager Deployment's replicas, the TaskManagers registering,
 * the adaptive scheduler's resource requirements, and the job running at the new parallelism. Each
 * is idempotent (server-side apply; the same requirements PUT again); each wait is bounded by a
 * deadline carried in its input, which counts observed time only (./observed-deadline.ts).
 */
import { FailureType } from '../contract/failures';
import { rescaledRequirements } from '../flink';
import { renderApplication } from '../k8s/render';
import { ownerReferenceOf } from '../k8s/state-record/owner-reference';
import type { ActivityDeps } from './deps';
import { classified, fail } from './failures';
import { observed, observedDeadline } from './observed-deadline';
import { activitySignal, pollUntil } from './poll';
import type {
  AwaitParallelismInput,
  AwaitSlotsInput,
  RequirementsSet,
  RescaleActivities,
  ScaleTaskManagersInput,
  SetRequirementsInput,
} from './rescale-types';

export function rescaleActivities(deps: ActivityDeps): RescaleActivities {
  return {
    async scaleTaskManagers(input: ScaleTaskManagersInput): Promise<void> {
      const { spec } = input;
      const doing = `scaling the TaskManagers of ${spec.namespace}/${spec.name} to ${spec.taskManager.replicas}`;
      await classified(doing, async () => {
        const owner = ownerReferenceOf(await deps.kube.records.readRecord(spec.namespace, spec.name));
        // Rendered for the running generation and job: the pod template is the running one (the
        // TaskManagers' config hash leaves parallelism.default out), so only the replicas change.
        const objects = renderApplication({ spec, generation: input.generation, jobId: input.jobId, owner });
        await deps.kube.apply([objects.taskManager]);
      });
    },

    async applyRescaledConfig(input: ScaleTaskManagersInput): Promise<void> {
      const { spec } = input;
      const doing =
        `writing parallelism.default ${spec.job.parallelism} to the Flink configuration of ` +
        `${spec.namespace}/${spec.name}`;
      await classified(doing, async () => {
        const owner = ownerReferenceOf(await deps.kube.records.readRecord(spec.namespace, spec.name));
        // Only the ConfigMap: Flink reads it at start, so no pod restarts, and a JobManager that
        // restarts later runs the job at the parallelism it was rescaled to, not the deployed one.
        const objects = renderApplication({ spec, generation: input.generation, jobId: input.jobId, owner });
        await deps.kube.apply([objects.configMap]);
      });
    },

    async awaitTaskManagerSlots(input: AwaitSlotsInput): Promise<void> {
      const { namespace, name } = input.app;
      const deadline = observedDeadline(input.deadline, deps.config.pollIntervalMs);
      await pollUntil<void>({
        intervalMs: deps.config.pollIntervalMs,
        deadline,
        heartbeatDetails: (seen) => ({ seen, ...observed(deadline) }),
        check: async () => {
          const overview = await classified(`reading the overview of ${namespace}/${name}`, async () =>
            (await deps.flinkFor(input.app)).overview({ signal: activitySignal() }),
          );
          const seen = `${overview.taskmanagers} TaskManager(s), ${overview['slots-total']} slot(s)`;
          return overview.taskmanagers >= input.taskManagers && overview['slots-total'] >= input.slots
            ? { done: true, value: undefined }
            : { done: false, seen };
        },
        onDeadline: (seen) =>
          fail(
            FailureType.WaitTimedOut,
            `${namespace}/${name}: ${input.taskManagers} TaskManager(s) with ${input.slots} slot(s) not registered ` +
              `in time (${seen}); see \`kubectl get pods -n ${namespace}\``,
          ),
      });
    },

    async setResourceRequirements(input: SetRequirementsInput): Promise<RequirementsSet> {
      const { namespace, name } = input.app;
      const doing = `setting the resource requirements of job ${input.jobId} (${namespace}/${name}) to ${input.to}`;
      return classified(doing, async () => {
        const flink = await deps.flinkFor(input.app);
        const signal = activitySignal();
        const current = await flink.resourceRequirements(input.jobId, { signal });
        const details = await flink.jobDetails(input.jobId, { signal });
        const maxParallelism = Object.fromEntries(details.vertices.map((v) => [v.id, v.maxParallelism]));
        const { requirements, targets } = rescaledRequirements({
          current,
          from: input.from,
          to: input.to,
          maxParallelism,
        });
        await flink.setResourceRequirements(input.jobId, requirements, { signal });
        return { targets };
      });
    },

    async awaitJobParallelism(input: AwaitParallelismInput): Promise<void> {
      const { namespace, name } = input.app;
      const deadline = observedDeadline(input.deadline, deps.config.pollIntervalMs);
      await pollUntil<void>({
        intervalMs: deps.config.pollIntervalMs,
        deadline,
        heartbeatDetails: (seen) => ({ seen, ...observed(deadline) }),
        check: async () => {
          const details = await classified(`reading job ${input.jobId} of ${namespace}/${name}`, async () =>
            (await deps.flinkFor(input.app)).jobDetails(input.jobId, { signal: activitySignal() }),
          );
          if (details.state === 'FAILED' || details.state === 'CANCELED' || details.state === 'FINISHED')
            throw fail(FailureType.JobFailed, `job ${input.jobId} is ${details.state} while rescaling`);
          const behind = details.vertices.filter(
            (v) =>
              input.targets[v.id] !== undefined && (v.parallelism !== input.targets[v.id] || v.status !== 'RUNNING'),
          );
          if (details.state === 'RUNNING' && behind.length === 0) return { done: true, value: undefined };
          const seen =
            `job ${details.state}` +
            (behind.length ? `; ${behind.map((v) => `${v.name} ${v.status} at ${v.parallelism}`).join(', ')}` : '');
          return { done: false, seen };
        },
        onDeadline: (seen) =>
          fail(
            FailureType.WaitTimedOut,
            `job ${input.jobId} of ${namespace}/${name} does not run at the new parallelism in time (${seen})`,
          ),
      });
    },
  };
}
