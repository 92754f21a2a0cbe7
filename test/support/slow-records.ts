import { setTimeout as sleep } from 'node:timers/promises';
import type { DeployStateStore, MutateRecordInput } from '../../src/k8s';

/**
 * Makes the record store's writes answer `ms` later, as an API server behind slow admission webhooks
 * does: every write, or only those `when` picks (asked once per write). Counts the writes it slowed.
 */
export function slowRecordWrites(
  records: Pick<DeployStateStore, 'mutateRecord'>,
  ms: number,
  when: () => boolean = () => true,
): { slowed: number } {
  const mutate = records.mutateRecord.bind(records);
  const writes = { slowed: 0 };
  records.mutateRecord = async <TSpec>(input: MutateRecordInput<TSpec>) => {
    if (when()) {
      writes.slowed += 1;
      await sleep(ms);
    }
    return mutate<TSpec>(input);
  };
  return writes;
}
