/**
 * The steps of a blue/green generation that always run together, each as ONE activity (patch
 * `blue-green-folded-steps`, docs/workflows.md "Blue/green upgrade"): a Temporal action per step
 * fewer, the same calls in the same order, the record written first as before.
 * - startGeneration: phase recorded → leftovers of the generation number and their HA metadata
 *   removed → objects applied → wait until its cluster is ready. A retry after the apply (the
 *   heartbeat says so) re-applies and waits; one before it starts over (nothing ran on it yet).
 * - submitToGeneration: the job id, generation, restore path and phase recorded → submit (a retry
 *   finds our job id) → `<app>-rest` pointed at the generation → the next phase recorded.
 * Each record write is the `updateRecord` a workflow would make (same lock check; a retry writes
 * the same changes again).
 */
import { Context } from '@temporalio/activity';
import type { AppRef } from '../contract/app';
import type { ActivityDeps } from './deps';
import { deploymentActivities } from './deployment';
import { generationActivities, waitClusterReady } from './generation';
import { haMetadataActivities } from './ha-metadata';
import { recordActivities } from './record';
import type { ClusterReady, StartGenerationInput, SubmittedJob, SubmitToGenerationInput } from './types';

/** What a startGeneration attempt heartbeats once the objects are applied: a retry resumes there. */
interface Applied {
  applied: true;
}

function appliedBefore(): boolean {
  const details = Context.current().info.heartbeatDetails as Partial<Applied> | undefined;
  return details?.applied === true;
}

export function generationStepActivities(deps: ActivityDeps) {
  const records = recordActivities(deps);
  const generations = generationActivities(deps);
  const ha = haMetadataActivities(deps);
  const deployments = deploymentActivities(deps);
  return {
    async startGeneration(input: StartGenerationInput): Promise<ClusterReady> {
      const { spec, generation, jobId } = input;
      const app: AppRef = { namespace: spec.namespace, name: spec.name };
      await records.updateRecord({ app, ...input.recordFirst });
      if (!appliedBefore()) {
        // Leftovers of an earlier use of this generation number (a rolled-back upgrade) go first.
        await generations.removeGeneration({ app, generation, blueGreen: true });
        await ha.removeHaMetadata({ app, generations: [generation] });
      }
      await deployments.applyApplication({ spec, generation, jobId });
      const applied: Applied = { applied: true };
      Context.current().heartbeat(applied);
      return waitClusterReady(deps, { app, generation, ...input.ready }, { ...applied });
    },

    async submitToGeneration(input: SubmitToGenerationInput): Promise<SubmittedJob> {
      const { app, spec, generation, recordFirst, recordWhenLive, ...submit } = input;
      await records.updateRecord({ app, ...recordFirst });
      const submitted = await generations.submitJob({ app, spec, generation, ...submit });
      await generations.switchLiveService({ spec, generation });
      await records.updateRecord({ app, ...recordWhenLive });
      return submitted;
    },
  };
}
