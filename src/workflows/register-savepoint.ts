/**
 * registerSavepoint: an existing savepoint (a FlinkStateSnapshot with `savepoint.alreadyExists: true`)
 * recorded in the savepoint history of the application or session job its `jobReference` names, under
 * that application's lock, as kind `registered`. The worker checks it exists first (its `_metadata` on a
 * file system; object storage is not checked, and the result says so); a missing one fails InvalidSpec
 * and the savepoints are unchanged. Registering a path the record already holds changes nothing.
 * A registered savepoint was not taken by flink-deploy: retention and delete never dispose it, and it is
 * restored only when named (`flink-deploy rollback <app> --to-savepoint <path>`).
 *
 * A workflow of its own (not an input of `savepoint`): a worker of an earlier version does not know the
 * type and leaves the task to a newer one, where a `savepoint` run with an unknown field would take a
 * savepoint instead.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { FailureType } from '../contract/failures';
import { Phase } from '../contract/phases';
import { savepointPathKey } from '../contract/savepoint-paths';
import { SavepointKind, type SavepointEntry } from '../contract/savepoints';
import { Operation, Outcome, type OperationResult } from '../contract/operations';
import type { RegisterSavepointInput } from '../contract/workflow-inputs';
import { savepointCheck } from './activity-profiles';
import { runOperation, type BodyResult, type OperationContext } from './operation';
import { validApp, validSavepointPath } from './valid-input';

function refused(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.InvalidSpec, nonRetryable: true, message });
}

export async function registerSavepoint(input: RegisterSavepointInput): Promise<OperationResult> {
  validApp(input);
  const path = validSavepointPath(input.path);
  return runOperation({ app: input.app, operation: Operation.Savepoint, intent: { register: path } }, (ctx) =>
    registerBody(ctx, { ...input, path }),
  );
}

async function registerBody(ctx: OperationContext, input: RegisterSavepointInput): Promise<BodyResult> {
  const { state, app } = ctx;
  const where = `${app.namespace}/${app.name}`;
  const spec = state.lastAppliedSpec;
  if (!state.exists || !spec)
    throw refused(
      `${where} has no deployed state: a savepoint is registered in the record of an application or session ` +
        'job flink-deploy deployed (apply it first, or name another in spec.jobReference); nothing was changed',
    );
  if (spec.sessionCluster === true)
    throw refused(
      `${where} is a session cluster: it has no job of its own to restore a savepoint; name the FlinkSessionJob ` +
        'in spec.jobReference; nothing was changed',
    );
  if (input.jobKind && (input.jobKind === 'FlinkSessionJob') !== (spec.sessionJob !== undefined))
    throw refused(
      `spec.jobReference names ${input.jobKind} ${app.name}, but ${where} is ` +
        `${spec.sessionJob ? 'a FlinkSessionJob' : 'a FlinkDeployment'}; nothing was changed`,
    );
  const key = savepointPathKey(input.path);
  const known = state.savepoints.find((s) => !s.disposed && savepointPathKey(s.location) === key);
  if (known)
    return {
      result: {
        operation: Operation.Savepoint,
        outcome: Outcome.NoChange,
        savepoint: known.location,
        message:
          known.kind === SavepointKind.Registered
            ? `savepoint ${known.location} is already registered in the record of ${where} (${known.time}): ` +
              'nothing changed'
            : `savepoint ${known.location} is already in the record of ${where}, a ${known.kind} savepoint ` +
              `flink-deploy took (${known.time}; its retention applies): nothing changed`,
      },
    };
  ctx.progress.enter(Phase.Planning, `checking that savepoint ${input.path} exists`);
  const check = await savepointCheck.checkSavepoint({ path: input.path });
  const entry: SavepointEntry = {
    location: input.path,
    // When Flink wrote it (its _metadata), else when it was registered.
    time: check.checked ? check.modifiedAt : new Date().toISOString(),
    kind: SavepointKind.Registered,
    triggerId: null,
    jobId: null,
    disposed: false,
  };
  const checked = check.checked ? `${check.metadata} found` : `not checked: ${check.why}`;
  return {
    result: {
      operation: Operation.Savepoint,
      outcome: Outcome.Succeeded,
      savepoint: input.path,
      message:
        `savepoint ${input.path} registered in the record of ${where} (${checked}); never disposed by ` +
        `flink-deploy; restore from it with \`flink-deploy rollback ${app.name} -n ${app.namespace} ` +
        `--to-savepoint ${input.path}\``,
    },
    finalChanges: [{ kind: 'savepoint-completed', entry }],
  };
}
