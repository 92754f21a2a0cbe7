/**
 * What an activity throws for Temporal to retry fits in what Temporal keeps of a retried activity's last failure
 * (4 KiB, `limit.mutableStateActivityFailureSize.error`): a record conflict's chain (the conflict, the Kubernetes
 * error, the client's exception with body and headers, each with its stack) was twice that, and Temporal showed
 * "Failure exceeds size limit." instead of it (seen in the fault matrix's kube-409 cells).
 */
import * as k8s from '@kubernetes/client-node';
import { DefaultFailureConverter, defaultPayloadConverter, ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { classify } from '../../../src/activities/failures';
import { classifyKubeError } from '../../../src/k8s';
import { RecordConflictError } from '../../../src/k8s/state-record/errors';

const LIMIT = 4 * 1024;
const location = { namespace: 'faults-matrix-f5dc45', app: 'cell-7-48544' };
const configMap = { namespace: location.namespace, name: `${location.app}-deploy-state` };

/** A 409 from the API server as the client reports it, classified, inside two record conflicts. */
function conflictChain(): RecordConflictError {
  const status = {
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    message: `Operation cannot be fulfilled on configmaps "${configMap.name}": the object has been modified`,
    reason: 'Conflict',
    code: 409,
  };
  const headers: Record<string, string> = { 'content-type': 'application/json', date: new Date().toUTCString() };
  for (let i = 0; i < 20; i++) headers[`x-header-${i}`] = 'v'.repeat(60);
  const api = new k8s.ApiException(409, 'Unknown API Status Code!', JSON.stringify(status), headers);
  const kube = classifyKubeError(api, { verb: 'update', resource: 'configmaps', ...configMap });
  const changed = new RecordConflictError(location, `record ${configMap.name} changed since resourceVersion 7488`, {
    cause: kube,
  });
  return new RecordConflictError(location, `record ${configMap.name}: still conflicting after 5 attempts`, {
    cause: changed,
  });
}

function failureBytes(err: unknown): number {
  const failure = new DefaultFailureConverter().errorToFailure(err, defaultPayloadConverter);
  return temporal.api.failure.v1.Failure.encode(failure).finish().length;
}

test('a record conflict with its causes, as classified, is under 4 KiB and still says each cause', () => {
  expect(failureBytes(conflictChain())).toBeGreaterThan(LIMIT); // what was sent before

  const thrown = classify(conflictChain(), 'taking the lock') as Error;

  expect(thrown).toBeInstanceOf(RecordConflictError);
  expect(thrown.message).toBe(`record ${configMap.name}: still conflicting after 5 attempts`);
  expect(failureBytes(thrown)).toBeLessThan(LIMIT);
  const cause = (thrown.cause as Error).message;
  expect(cause).toContain('changed since resourceVersion 7488');
  expect(cause).toContain('409 Conflict');
  expect(cause).not.toContain('x-header-');
});

test('a domain refusal is classified as before (a non-retryable ApplicationFailure of its type)', () => {
  const api = new k8s.ApiException(403, 'Forbidden', '{"reason":"Forbidden","message":"no"}', {});
  const thrown = classify(
    classifyKubeError(api, { verb: 'get', resource: 'configmaps', ...configMap }),
    'reading the record',
  );
  expect(thrown).toBeInstanceOf(ApplicationFailure);
  expect(thrown).toMatchObject({ type: 'KubernetesRefused', nonRetryable: true });
});
