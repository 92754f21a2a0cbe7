/** How an operation that did not succeed ends on the terminal: with the command that leads on. */
import { ExitCode } from '../../../src/cli/exit-codes';
import { Output } from '../../../src/cli/output';
import { operationJson, reportEnd, type RunRef } from '../../../src/cli/report';
import { FailureType } from '../../../src/contract/failures';
import { memoryIo } from './memory-io';

const run: RunRef = {
  app: { namespace: 'payments', name: 'orders' },
  workflowId: 'flink-deploy/payments/orders',
  url: 'http://ui/w',
};

function printed(end: Parameters<typeof reportEnd>[0]['end']): string[] {
  const io = memoryIo();
  reportEnd({ output: new Output(io), run, end });
  return io.err().trimEnd().split('\n');
}

test('a failure names `status`, which names the next command', () => {
  const lines = printed({
    status: 'failed',
    exitCode: ExitCode.OperationFailed,
    failure: { type: FailureType.SavepointFailed, message: 'the savepoint failed' },
  });
  expect(lines).toEqual([
    '✘ operation failed [SavepointFailed]: the savepoint failed',
    '  http://ui/w',
    '  next: flink-deploy status orders -n payments names the command that leads on (docs/recovery.md)',
  ]);
});

test('nothing to do: status shows what is deployed', () => {
  const lines = printed({
    status: 'failed',
    exitCode: ExitCode.OperationFailed,
    failure: { type: FailureType.NothingToDo, message: 'payments/orders is not suspended (status none)' },
  });
  expect(lines.at(-1)).toBe('  next: flink-deploy status orders -n payments shows what is deployed');
});

test('a rollback says to fix the manifest; a success adds nothing', () => {
  expect(
    printed({
      status: 'failed',
      exitCode: ExitCode.RolledBack,
      failure: { type: FailureType.UpgradeRolledBack, message: 'not stable' },
    }).at(-1),
  ).toMatch(/^ {2}next: fix the manifest and apply it again/);
  expect(printed({ status: 'completed', exitCode: ExitCode.Success })).toEqual([
    '✔ operation succeeded: ',
    '  http://ui/w',
  ]);
});

test("a namespace that does not exist: the way on is to create it, with the worker's access", () => {
  const lines = printed({
    status: 'failed',
    exitCode: ExitCode.OperationFailed,
    failure: {
      type: FailureType.KubernetesRefused,
      message:
        'locking payments/orders: could not create configmaps/orders-deploy-state in namespace payments: 404 ' +
        'NotFound namespaces "payments" not found (K8S_NOT_FOUND)',
    },
  });
  expect(lines.at(-1)).toBe(
    "  next: create the namespace (kubectl create namespace payments) with the worker's Role and Flink's " +
      "ServiceAccount in it (docs/rbac.md; the chart's `namespaces`), then apply again",
  );
});

test("a refused input: the command's own way on, for InvalidSpec only", () => {
  const io = memoryIo();
  const refusedNext = 'roll back to the latest: flink-deploy rollback orders -n payments';
  const refused = { status: 'failed', exitCode: ExitCode.InvalidInput } as const;
  reportEnd({
    output: new Output(io),
    run,
    end: { ...refused, failure: { type: FailureType.InvalidSpec, message: 'savepoint … cannot be restored from' } },
    refusedNext,
  });
  expect(io.err().trimEnd().split('\n').at(-1)).toBe(`  next: ${refusedNext}`);

  const other = memoryIo();
  reportEnd({
    output: new Output(other),
    run,
    end: { ...refused, failure: { type: FailureType.KubernetesRefused, message: 'forbidden' } },
    refusedNext,
  });
  expect(other.err()).not.toContain(refusedNext);
});

test('a run that ended cancelled or failed without a result says its outcome in its JSON', () => {
  const end = {
    status: 'cancelled',
    exitCode: ExitCode.OperationFailed,
    failure: { type: 'Cancelled', message: 'the operation was cancelled' },
  };
  expect(operationJson(run, end)).toMatchObject({ status: 'cancelled', outcome: 'cancelled', exitCode: 1 });
  // A failure an activity raised carries no result either: its outcome is the record's, `failed`.
  const failed = {
    status: 'failed',
    exitCode: ExitCode.OperationFailed,
    failure: { type: 'SavepointFailed', message: 'x' },
  };
  expect(operationJson(run, failed).outcome).toBe('failed');
  expect(operationJson(run, { ...failed, status: 'terminated' }).outcome).toBeUndefined();
});
