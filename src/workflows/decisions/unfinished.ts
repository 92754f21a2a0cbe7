/**
 * An operation that never finished, as the record tells it: a deploying generation whose job was
 * never marked stable (terminated in WaitingForStable, timed out, history lost, a first deploy
 * whose job FAILED), or a `failed` status; or a record that says a job runs while the operation
 * before this one did not end its work (its run closed holding the lock, it failed or was
 * cancelled) while or after it stopped the job: a delete or suspend removing its Deployments, an
 * upgrade or suspend taking its savepoint, the record still `running`. The next apply must not say
 * "nothing changed" over it. Pure.
 */
import type { DeployedState } from '../../contract/deployed-state';
import { AppStatus } from '../../contract/deployed-state';
import { Outcome } from '../../contract/operations';
import { Phase } from '../../contract/phases';
import { HolderRelease } from '../../contract/run-state';
import { UpgradeStrategy } from '../../spec/types';

export function unfinishedGeneration(state: DeployedState): boolean {
  if (!state.exists) return false;
  if (state.status === AppStatus.Failed) return true;
  return state.status === AppStatus.Running && !!state.jobId && state.jobId !== state.lastStableJobId;
}

/** How an operation ends without its work done: closed holding the lock, unlocked by a person, failed, cancelled. */
const notDone: string[] = [HolderRelease.Abandoned, HolderRelease.Unlocked, Outcome.Failed, Outcome.Cancelled];

/** Phases entered only once the job was stopped and its state secured and recorded. */
const afterStop: string[] = [Phase.RemovingDeployments, Phase.RemovingObjects];
/** Phases in which the job is being stopped: it may have ended, its state secured in Flink and not yet recorded. */
const whileStopping: string[] = [Phase.Savepointing, Phase.ReadingCheckpoint, Phase.Cancelling];

/**
 * What the operation before this one left, when it did not end its work on a record that says job `jobId` runs:
 * - `stopped`: it got to a phase entered only once the job was stopped and its state secured and recorded (its
 *   savepoint; cancelled when stateless or `--no-savepoint`): a delete's or suspend's RemovingDeployments, a
 *   delete's RemovingObjects.
 * - `stopping`: it closed while it stopped the job (Savepointing, ReadingCheckpoint, Cancelling): the job may have
 *   ended, its state in Flink (the savepoint, recorded by the lock's takeover while Flink remembers the trigger;
 *   the cancelled job's latest checkpoint) and maybe not in the record.
 * The next apply asks Flink whether the job runs before it diffs. Not for a blue-green application, whose
 * RemovingDeployments removes an older generation beside the running one and whose new generation runs beside the
 * one it stops.
 */
export type UnfinishedOperation = 'stopped' | 'stopping';

export function unfinishedOperation(state: DeployedState): UnfinishedOperation | undefined {
  const last = state.lastOperation;
  if (!state.exists || state.status !== AppStatus.Running || !state.jobId || !last) return undefined;
  if (!notDone.includes(last.outcome)) return undefined;
  if (state.lastAppliedSpec?.upgradeStrategy === UpgradeStrategy.BlueGreen) return undefined;
  if (afterStop.includes(last.phase)) return 'stopped';
  return whileStopping.includes(last.phase) ? 'stopping' : undefined;
}
