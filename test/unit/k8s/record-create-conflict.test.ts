/**
 * Issue 12: deploy-session-cluster/Locking/kube-409 failed the deploy: the record's first create answered
 * 409 with a reason other than AlreadyExists (the fault proxy's Conflict), classified as a domain error and
 * thrown as the operation's failure. A 409 on the create is a conflict on the record: read it and decide again.
 */
import type { CoreV1Api, V1ConfigMap } from '@kubernetes/client-node';
import { DeployStateStore, emptyRecord, RecordConflictError } from '../../../src/k8s';
import { apiException } from '../../support/in-memory-kube';

const where = { namespace: 'apps', app: 'orders' };

/** A CoreV1Api of the record alone: absent until created; its creates answer `answers` first, in order. */
function recordApi(answers: Error[]) {
  const calls: string[] = [];
  let stored: V1ConfigMap | undefined;
  const core = {
    readNamespacedConfigMap: async () => {
      calls.push('read');
      if (!stored) throw apiException(404, 'NotFound', 'configmaps "orders-deploy-state" not found');
      return stored;
    },
    createNamespacedConfigMap: async ({ body }: { body: V1ConfigMap }) => {
      calls.push('create');
      const answer = answers.shift();
      if (answer) throw answer;
      stored = { ...body, metadata: { ...body.metadata, resourceVersion: '1' } };
      return stored;
    },
  } as unknown as CoreV1Api;
  return { core, calls };
}

test('a create answered 409 Conflict (not AlreadyExists) is a record conflict, not a failure', async () => {
  const { core } = recordApi([apiException(409, 'Conflict', 'injected 409')]);
  const err = await new DeployStateStore(core).createRecord('apps', emptyRecord('apps', 'orders')).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RecordConflictError);
  expect((err as Error).message).toContain('record apps/orders-deploy-state');
  expect((err as Error).message).toContain('409 Conflict');
});

test('the first lock of an application goes through a 409 Conflict on its create: read again, created', async () => {
  const { core, calls } = recordApi([apiException(409, 'Conflict', 'injected 409')]);
  const lock = await new DeployStateStore(core).acquireLock({
    ...where,
    workflowId: 'flink-deploy/apps/orders',
    runId: 'run-a',
    operation: 'deploy',
  });
  expect(lock.record.operation).toMatchObject({ workflowId: 'flink-deploy/apps/orders', runId: 'run-a' });
  expect(calls).toEqual(['read', 'create', 'read', 'create']);
});

test('a create that fails otherwise is still its own error (a 422 is no conflict)', async () => {
  const { core } = recordApi([apiException(422, 'Invalid', 'bad name')]);
  const err = await new DeployStateStore(core).createRecord('apps', emptyRecord('apps', 'orders')).catch((e) => e);
  expect(err).not.toBeInstanceOf(RecordConflictError);
  expect((err as Error).message).toContain('422');
});
