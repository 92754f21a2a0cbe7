/**
 * The matrix harness's own reads and clean-up under a restarting API server (issue 12): the
 * periodic-savepoint/Savepointing/apiserver-restart cell was "not made" because its record poll threw on
 * ECONNREFUSED; a transport error is retried, a domain answer is not, and the schedule is deleted, retried.
 */
import { classifyKubeError, KubeApiError, KubeErrorCode, KubeErrorKind } from '../../../src/k8s';
import type { CliResult } from '../../support/e2e';
import type { MatrixEnv } from '../../faults/matrix/matrix-env';
import { deleteSchedule, despiteApiServerAway } from '../../faults/matrix/harness-reads';
import type { RunContext } from '../../faults/matrix/operations';
import { outcomeOrThrow } from '../../faults/matrix/settled';

const request = { verb: 'get', resource: 'configmaps', namespace: 'ns', name: 'app-deploy-state' };
const refused = () =>
  classifyKubeError(
    new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    }),
    request,
  );
const fast = { intervalMs: 1 };

test('a read refused while the API server restarts is retried until it answers', async () => {
  let calls = 0;
  const read = async () => {
    if (++calls < 3) throw refused();
    return 'record';
  };
  await expect(despiteApiServerAway('the record', read, fast)).resolves.toBe('record');
  expect(calls).toBe(3);
});

test('a domain answer (404) is not retried: it throws at once', async () => {
  let calls = 0;
  const notFound = new KubeApiError({
    code: KubeErrorCode.NotFound,
    kind: KubeErrorKind.Domain,
    request,
    status: 404,
    message: 'not found',
  });
  const read = async () => {
    calls++;
    throw notFound;
  };
  await expect(despiteApiServerAway('the record', read, fast)).rejects.toBe(notFound);
  expect(calls).toBe(1);
});

test('an API server away for longer than the bound fails, naming the read and its last error', async () => {
  const read = async (): Promise<string> => {
    throw refused();
  };
  await expect(despiteApiServerAway('the record', read, { timeoutMs: 20, intervalMs: 1 })).rejects.toThrow(
    /waiting for the record \(last error: KubeApiError: could not reach the Kubernetes API server .*ECONNREFUSED/,
  );
});

function runWith(answers: CliResult[]): { run: RunContext; calls: string[][] } {
  const calls: string[][] = [];
  const env = {
    namespace: 'ns',
    cli: async (args: string[]) => {
      calls.push(args);
      return answers.shift() ?? { code: 1, stdout: '', stderr: 'no answer left' };
    },
  } as unknown as MatrixEnv;
  return { run: { env, app: 'app', before: '', after: '', lastManifest: '' }, calls };
}

test('schedule delete is retried until it exits 0', async () => {
  const { run, calls } = runWith([
    { code: 1, stdout: '', stderr: 'error: connection refused' },
    { code: 0, stdout: 'deleted schedule', stderr: '' },
  ]);
  await deleteSchedule(run, 5, 0);
  expect(calls).toEqual([
    ['schedule', 'delete', 'app', '-n', 'ns'],
    ['schedule', 'delete', 'app', '-n', 'ns'],
  ]);
});

test('on a retry, "no savepoint schedule" is done (an earlier attempt deleted it); a first one is not', async () => {
  const gone = { code: 1, stdout: '', stderr: 'error: no savepoint schedule for ns/app' };
  const retried = runWith([{ code: 1, stdout: '', stderr: 'error: deadline exceeded' }, gone]);
  await deleteSchedule(retried.run, 5, 0);
  expect(retried.calls).toHaveLength(2);
  const first = runWith([gone, gone, gone]);
  await expect(deleteSchedule(first.run, 1, 0)).rejects.toThrow(/exited 1 1 times: error: no savepoint schedule/);
});

test('schedule delete failing every time throws after the bounded attempts', async () => {
  const { run, calls } = runWith([]);
  await expect(deleteSchedule(run, 3, 0)).rejects.toThrow('schedule delete exited 1 3 times: no answer left');
  expect(calls).toHaveLength(3);
});

test('a run is not made when the injection or the operation threw; both errors are said', () => {
  const cli = { code: 0, stdout: '{}', stderr: '' };
  expect(outcomeOrThrow({ ok: true, value: undefined }, { ok: true, value: cli })).toBe(cli);
  expect(() => outcomeOrThrow({ ok: true, value: undefined }, { ok: false, error: refused() })).toThrow(/ECONNREFUSED/);
  expect(() =>
    outcomeOrThrow({ ok: false, error: new Error('point never reached') }, { ok: false, error: new Error('poll') }),
  ).toThrow('point never reached; the operation too: poll');
});
