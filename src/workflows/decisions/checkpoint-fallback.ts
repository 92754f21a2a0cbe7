/** Whether a checkpoint may stand in for a failed savepoint. Pure; one reason per guard. */
import type { CheckpointInfo } from '../../activities/types';

export type FallbackDecision = { use: true; checkpoint: CheckpointInfo } | { use: false; reason: string };

export function checkpointFallback(
  checkpoint: CheckpointInfo | null,
  opts: { maxAgeSeconds: number },
): FallbackDecision {
  if (!checkpoint) return { use: false, reason: 'the job has no completed checkpoint' };
  const ageSeconds = Math.round(checkpoint.ageSeconds);
  if (ageSeconds > opts.maxAgeSeconds) {
    return {
      use: false,
      reason: `the latest checkpoint is ${ageSeconds}s old, more than the allowed ${opts.maxAgeSeconds}s`,
    };
  }
  return { use: true, checkpoint };
}
