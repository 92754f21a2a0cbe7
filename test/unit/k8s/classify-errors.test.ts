import * as k8s from '@kubernetes/client-node';
import { classifyKubeError, KubeErrorCode } from '../../../src/k8s';

const request = { verb: 'patch', resource: 'deployments', namespace: 'apps', name: 'orders-jobmanager' };

function apiException(code: number, reason: string, message: string): k8s.ApiException<string> {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });
  return new k8s.ApiException(code, 'Unknown API Status Code!', body, {});
}

test.each([
  [403, 'Forbidden', KubeErrorCode.Forbidden, 'domain'],
  [404, 'NotFound', KubeErrorCode.NotFound, 'domain'],
  [409, 'AlreadyExists', KubeErrorCode.AlreadyExists, 'domain'],
  [409, 'Conflict', KubeErrorCode.Conflict, 'domain'],
  [422, 'Invalid', KubeErrorCode.Invalid, 'domain'],
  [401, 'Unauthorized', KubeErrorCode.Unauthorized, 'domain'],
  [410, 'Expired', KubeErrorCode.Gone, 'domain'],
  [429, 'TooManyRequests', KubeErrorCode.Throttled, 'transport'],
  [500, 'InternalError', KubeErrorCode.ServerError, 'transport'],
  [503, 'ServiceUnavailable', KubeErrorCode.ServerError, 'transport'],
  [504, 'Timeout', KubeErrorCode.Timeout, 'transport'],
])('HTTP %i %s is %s (%s)', (status, reason, code, kind) => {
  const err = classifyKubeError(apiException(status, reason, `the server says ${reason}`), request);
  expect(err).toMatchObject({ code, kind, status, reason, retryable: kind === 'transport', request });
  expect(err.message).toBe(
    `could not patch deployments/orders-jobmanager in namespace apps: ${status} ${reason} the server says ${reason}`,
  );
});

test('a 409 to an idempotent request (a delete without preconditions, a forced apply) is retried', () => {
  const idempotent = { ...request, idempotent: true };
  expect(classifyKubeError(apiException(409, 'Conflict', 'the object was modified'), idempotent)).toMatchObject({
    code: KubeErrorCode.Conflict,
    kind: 'transport',
    retryable: true,
  });
  expect(classifyKubeError(apiException(409, 'AlreadyExists', 'exists'), idempotent)).toMatchObject({
    code: KubeErrorCode.AlreadyExists,
    retryable: false,
  });
});

test('a 403 message names the verb and resource as the API server wrote it', () => {
  const err = classifyKubeError(
    apiException(
      403,
      'Forbidden',
      'secrets is forbidden: User "system:serviceaccount:apps:flink-deploy" cannot list resource "secrets" ' +
        'in API group "" in the namespace "apps"',
    ),
    { verb: 'list', resource: 'secrets', namespace: 'apps' },
  );
  expect(err.message).toContain('could not list secrets in namespace apps: 403 Forbidden');
  expect(err.message).toContain('cannot list resource "secrets"');
});

test('network failures are transport errors', () => {
  const refused = new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:16443'), { code: 'ECONNREFUSED' }),
  });
  expect(classifyKubeError(refused, request)).toMatchObject({
    code: KubeErrorCode.Unreachable,
    kind: 'transport',
    retryable: true,
  });
  const timeout = new TypeError('fetch failed', {
    cause: Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }),
  });
  expect(classifyKubeError(timeout, request)).toMatchObject({ code: KubeErrorCode.Timeout, kind: 'transport' });
  const aborted = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
  expect(classifyKubeError(aborted, request)).toMatchObject({ code: KubeErrorCode.Aborted });
});

test('anything else is an unexpected domain error, and a classified error passes through', () => {
  const err = classifyKubeError(new Error('Unrecognized API version and kind: v9 Thing'), request);
  expect(err).toMatchObject({ code: KubeErrorCode.Unexpected, kind: 'domain' });
  expect(classifyKubeError(err, { verb: 'get', resource: 'x' })).toBe(err);
});
