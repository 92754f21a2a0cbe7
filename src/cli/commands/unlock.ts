/**
 * `unlock <app>`: release the application's lock when its holder can no longer release it
 * (its run was terminated, timed out, or its history is gone). Refused (exit 5, naming the holder)
 * while the holder runs: `cancel` is for that. Who unlocked is recorded in the record's history.
 * (A holder whose run is closed is also released by the next operation on its own.)
 */
import os from 'node:os';
import { Command } from 'commander';
import { SettingGroup, type Settings } from '../../config/settings';
import { describeRunState, HolderRelease, type RunState } from '../../contract/run-state';
import type * as K8s from '../../k8s';
import type { OperationRecord } from '../../k8s/state-record/types';
import { withHolderReleased } from '../../k8s/state-record/lock';
import { runStateOf } from '../../config/run-lookup';
import { appRefOf } from '../app-ref';
import { action, type CliContext } from '../command-kit';
import { CliError, CliErrorCode } from '../errors';
import { ExitCode } from '../exit-codes';
import { addAppNamespaceOption, addOutputOption, addSettingOptions, settingsOf } from '../options';
import { withTemporal } from '../temporal-client';

/** The holder in one line: what, workflow, run, phase, since. */
export function holderWords(holder: OperationRecord): string {
  return (
    `${holder.type} (workflow ${holder.workflowId}, run ${holder.runId}, phase ${holder.phase}, since ` +
    `${holder.startedAt})`
  );
}

/** Who runs this command, for the history: `user@host`. */
function whoAmI(): string {
  let user = process.env.USER ?? 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry (e.g. a container): keep $USER
  }
  return `${user}@${os.hostname()}`;
}

function openStore(settings: Settings): K8s.DeployStateStore {
  // Loaded lazily, like the other commands that read the cluster.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const k8s = require('../../k8s') as typeof K8s;
  try {
    const kubeConfig = k8s.loadKubeConfig({ path: settings.kubeconfig, context: settings.kubeContext });
    return new k8s.DeployStateStore(k8s.createKubeClients(kubeConfig).core);
  } catch (err) {
    throw new CliError({
      code: CliErrorCode.InvalidSetting,
      message: `cannot load the kubeconfig: ${(err as Error).message}`,
      hint: 'Check --kubeconfig / --context (KUBECONFIG, FLINK_DEPLOY_KUBECONFIG).',
      cause: err,
    });
  }
}

function kubeUnavailable(what: string, err: unknown): CliError {
  return new CliError({
    code: CliErrorCode.KubernetesUnavailable,
    message: `${what}: ${(err as Error).message}`,
    hint: 'Check --kubeconfig / --context and that the API server is reachable; nothing was changed.',
    cause: err,
  });
}

export function unlockCommand(ctx: CliContext): Command {
  const command = new Command('unlock')
    .argument('<app>', 'application name')
    .description(
      'release the lock of an application whose holder no longer runs (terminated, timed out, history ' +
        'gone); refused while it runs',
    );
  addAppNamespaceOption(command);
  addOutputOption(command);
  addSettingOptions(command, [SettingGroup.Temporal, SettingGroup.Kubernetes]);
  return command.action(
    action(ctx, command, async (output, [name = '']) => {
      const app = appRefOf(command, name);
      const settings = settingsOf(command, ctx.io);
      const store = openStore(settings);
      const where = `${app.namespace}/${app.name}`;
      const read = await store
        .readRecord(app.namespace, app.name)
        .catch((err: unknown) => Promise.reject(kubeUnavailable(`cannot read the deployed state of ${where}`, err)));
      const holder = read?.record.operation;
      if (!holder) {
        output.say(`nothing to unlock: no operation holds ${where}`);
        output.data({ app, unlocked: false, holder: null }, () => '');
        return ExitCode.Success;
      }
      const state: RunState = await withTemporal(settings, (session) =>
        runStateOf(session.client, holder.workflowId, holder.runId),
      );
      if (state.kind === 'running') {
        throw new CliError({
          code: CliErrorCode.OperationInProgress,
          message: `${where} is locked by an operation that is running: ${holderWords(holder)}`,
          hint:
            `Wait for it, or stop it with \`flink-deploy cancel ${app.name} -n ${app.namespace}\` (it ` +
            `releases the lock itself).`,
          data: { holder },
        });
      }
      const message =
        `unlocked by ${whoAmI()} (flink-deploy unlock): the holder ${holderWords(holder)} is ` +
        `${describeRunState(state)}`;
      const written = await store
        .mutateRecord({
          namespace: app.namespace,
          app: app.name,
          mutate: (record) =>
            withHolderReleased(
              record,
              {
                namespace: app.namespace,
                app: app.name,
                workflowId: holder.workflowId,
                runId: holder.runId,
                outcome: HolderRelease.Unlocked,
                message,
              },
              new Date(),
            ),
        })
        .catch((err: unknown) => Promise.reject(kubeUnavailable(`cannot write the deployed state of ${where}`, err)));
      const now = written.record.operation;
      if (now) {
        throw new CliError({
          code: CliErrorCode.OperationInProgress,
          message: `${where}: the lock changed meanwhile and is now held by ${holderWords(now)}; nothing was unlocked`,
          hint: `See \`flink-deploy status ${app.name} -n ${app.namespace}\`.`,
          data: { holder: now },
        });
      }
      output.say(`unlocked ${where}: ${message}`);
      output.data({ app, unlocked: true, holder, holderRun: describeRunState(state), message }, () => '');
      return ExitCode.Success;
    }),
  );
}
