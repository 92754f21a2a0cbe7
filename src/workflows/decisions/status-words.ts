/**
 * How a refusal names an application's status: `status suspended`; with no deployed state, that it was
 * never deployed or was deleted (where `status none` left a user with a typo in the name guessing).
 */
import type { DeployedState } from '../../contract/deployed-state';

export function statusWords(state: Pick<DeployedState, 'exists' | 'status'>): string {
  return state.exists ? `status ${state.status}` : 'no deployed state: never deployed, or deleted';
}
