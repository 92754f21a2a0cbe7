/** The fleet rollout's query and Updates (docs/fleet.md); the CLI loads them only when a command runs. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { FleetDecision, FleetProgress } from './fleet';

/** The live state of a rollout (and, once done, its outcome). */
export const fleetProgressQuery = defineQuery<FleetProgress>('fleetProgress');
/** Let the waves start after the canaries. Refused unless the rollout waits for approval. */
export const approveUpdate = defineUpdate<string, [FleetDecision]>('approve');
/** Stop the rollout: nothing new starts, running operations finish. Refused once it is done or halting. */
export const abortUpdate = defineUpdate<string, [FleetDecision]>('abort');
