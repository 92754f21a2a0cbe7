/**
 * Issue 11 item 13: the final record write of an operation is idempotent. Its first attempt
 * lands but the answer is lost; before the retry, a periodic savepoint takes the lock. The retry
 * must find this run's end in the history and succeed (a successful upgrade is not reported as
 * failed), while a run whose end is not there still fails with LockLost.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityDeps } from '../../../src/activities/deps';
import { recordActivities } from '../../../src/activities/record';
import type { AppRecord } from '../../../src/activities/record-changes';
import { FailureType } from '../../../src/contract/failures';
import { withLockAcquired } from '../../../src/k8s/state-record/lock';
import { emptyRecord } from '../../../src/k8s/state-record/types';
import type { AppSpec } from '../../../src/spec/types';

const app = { namespace: 'default', name: 'counter' };
const upgradeRun = { workflowId: 'flink-deploy/default/counter', runId: 'run-upgrade' };
const periodic = { workflowId: 'flink-deploy-savepoints/default/counter-2026-12-01T16:00:00Z', runId: 'run-periodic' };
const end = { operation: 'upgrade' as const, outcome: 'succeeded' as const, message: 'upgrade done' };

/** A store of one record whose `mutateRecord` runs the mutation like the real one (read, mutate, write). */
function storeWith(initial: AppRecord) {
  const box = { record: initial };
  const deps = {
    kube: {
      records: {
        readRecord: async () => ({ record: box.record, resourceVersion: '1', uid: 'u' }),
        mutateRecord: async ({ mutate }: { mutate: (r: AppRecord) => AppRecord }) => {
          box.record = mutate(structuredClone(box.record));
          return { record: box.record, resourceVersion: '2', uid: 'u', written: true };
        },
      },
      recordEvent: async () => undefined,
    },
    flinkFor: async () => {
      throw new Error('not used');
    },
    config: { recordMaxSavepoints: 100 },
  } as unknown as ActivityDeps;
  return { box, activities: recordActivities(deps) };
}

function lockedBy(record: AppRecord, holder: { workflowId: string; runId: string }, operation: string): AppRecord {
  const input = { namespace: app.namespace, app: app.name, ...holder, operation };
  return withLockAcquired(record, input, new Date()).record;
}

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure | undefined> {
  return p.then(
    () => undefined,
    (e: unknown) => e as ApplicationFailure,
  );
}

test(
  'a retried end write finds it already written by this run ' + 'and succeeds, though a periodic run holds the lock',
  async () => {
    const { box, activities } = storeWith(lockedBy(emptyRecord<AppSpec>('default', 'counter'), upgradeRun, 'upgrade'));
    await activities.updateRecord({ app, ...upgradeRun, changes: [], end });
    expect(box.record.operation).toBeNull();
    box.record = lockedBy(box.record, periodic, 'savepoint'); // the answer was lost; a periodic run locks

    await expect(activities.updateRecord({ app, ...upgradeRun, changes: [], end })).resolves.toBeUndefined();

    expect(box.record.operation?.workflowId).toBe(periodic.workflowId); // the periodic run's lock is untouched
    expect(box.record.history.filter((h) => h.runId === upgradeRun.runId)).toHaveLength(1);
    expect(box.record.history.at(-1)).toMatchObject({ outcome: 'succeeded', message: 'upgrade done' });
  },
);

test('an end write of a run whose end is not in the record still fails with LockLost', async () => {
  // An earlier run of the same workflow id ended; this run never held the lock.
  const { box, activities } = storeWith(lockedBy(emptyRecord<AppSpec>('default', 'counter'), upgradeRun, 'upgrade'));
  await activities.updateRecord({ app, ...upgradeRun, changes: [], end });
  box.record = lockedBy(box.record, periodic, 'savepoint');

  const failure = await failureOf(
    activities.updateRecord({ app, workflowId: upgradeRun.workflowId, runId: 'another-run', changes: [], end }),
  );

  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect(failure?.type).toBe(FailureType.LockLost);
  expect(box.record.operation?.workflowId).toBe(periodic.workflowId);
});

test('a change without an end is refused while another run holds the lock', async () => {
  const { activities } = storeWith(lockedBy(emptyRecord<AppSpec>('default', 'counter'), periodic, 'savepoint'));
  const failure = await failureOf(
    activities.updateRecord({ app, ...upgradeRun, changes: [{ kind: 'failed', reason: 'x' }] }),
  );
  expect(failure?.type).toBe(FailureType.LockLost);
});
