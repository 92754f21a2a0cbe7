/**
 * `approve <rollout>` / `abort <rollout>`: the decisions a fleet rollout takes as Temporal Updates
 * (docs/fleet.md). The rollout answers whether it accepted: approve only while it waits at its
 * approval gate; abort until it is done (nothing new starts, running operations finish).
 */
import { Command } from 'commander';
import { userInfo } from 'node:os';
import { formatDuration } from '../../config/durations';
import { SettingGroup } from '../../config/settings';
import { fleetWorkflowId, type FleetDecision } from '../../contract/fleet';
import { action, type CliContext } from '../command-kit';
import { CliError, CliErrorCode } from '../errors';
import { ExitCode } from '../exit-codes';
import { requireRolloutId } from '../fleet-options';
import { workflowUrl } from '../links';
import { fleetMessages, temporalClient } from '../lazy-modules';
import { addOutputOption, addSettingOptions, settingsOf } from '../options';
import { withTemporal } from '../temporal-client';
import { timeoutOption } from '../wait-options';

/**
 * How long a decision waits for the rollout's answer by default. The rollout answers from its worker: with none
 * running, the SDK would send the update again for ever (the CLI hung, saying nothing).
 */
const DECISION_TIMEOUT_MS = 60_000;

/**
 * `flink-deploy-fleet/<id>` from a rollout id or a rollout's workflow id; what cannot be one (a rollout id as
 * apply takes it) is exit 2 before Temporal is asked.
 */
function rolloutWorkflowId(rollout: string, kind: string): string {
  const prefix = fleetWorkflowId('');
  const id = rollout.startsWith(prefix) ? rollout.slice(prefix.length) : rollout;
  return fleetWorkflowId(requireRolloutId(id, kind));
}

function whoAmI(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

function decisionCommand(ctx: CliContext, kind: 'approve' | 'abort'): Command {
  const command = new Command(kind)
    .argument('<rollout>', 'the rollout id (as `apply` printed it) or its workflow id flink-deploy-fleet/<id>')
    .description(
      kind === 'approve'
        ? 'let a fleet rollout waiting after its canaries go on to the waves'
        : 'stop a fleet rollout: nothing new starts, running operations finish',
    );
  if (kind === 'abort') command.option('--reason <text>', 'why, recorded in the rollout');
  command.addOption(timeoutOption("how long to wait for the rollout's answer (exit 4)", DECISION_TIMEOUT_MS));
  addOutputOption(command);
  addSettingOptions(command, [SettingGroup.Temporal]);
  return command.action(
    action(ctx, command, async (output, [rollout = '']) => {
      const workflowId = rolloutWorkflowId(rollout, kind);
      const settings = settingsOf(command, ctx.io);
      const url = workflowUrl(settings, workflowId);
      const opts = command.opts<{ reason?: string; timeout: number }>();
      const decision: FleetDecision = { by: whoAmI(), reason: opts.reason };
      return withTemporal(settings, async (session) => {
        const handle = session.client.workflow.getHandle(workflowId);
        let answer: string;
        const deadline = Date.now() + opts.timeout;
        try {
          const { approveUpdate, abortUpdate } = fleetMessages();
          answer = await session.connection.withDeadline(deadline, () =>
            handle.executeUpdate(kind === 'approve' ? approveUpdate : abortUpdate, { args: [decision] }),
          );
        } catch (err) {
          if (err instanceof temporalClient().WorkflowUpdateFailedError) {
            const why = err.cause instanceof Error ? err.cause.message : String(err.cause);
            output.say(`${kind} refused by ${workflowId}: ${why}`);
            output.data({ workflowId, accepted: false, answer: why, exitCode: ExitCode.OperationFailed }, () => '');
            return ExitCode.OperationFailed;
          }
          if (Date.now() >= deadline) {
            const { taskQueue, temporalNamespace } = session.settings;
            throw new CliError({
              code: CliErrorCode.TimedOut,
              message:
                `${workflowId} did not answer the ${kind} within ${formatDuration(opts.timeout)}: ` +
                `is a worker running on task queue ${taskQueue} (Temporal namespace ${temporalNamespace})?`,
              hint:
                `The ${kind} may still be taken when a worker picks the rollout up: see ${url}, ` +
                `or start one with \`flink-deploy worker\` and run the command again.`,
            });
          }
          const done = /completed|closed|finished/i.test((err as Error).message ?? '');
          if (err instanceof temporalClient().WorkflowNotFoundError || done)
            throw new CliError({
              code: CliErrorCode.NotFound,
              message: `no running fleet rollout ${workflowId}${done ? ': it is done' : ''}`,
              hint: `Check the id apply printed (it may have finished): ${url}`,
            });
          throw err;
        }
        output.say(`${kind} accepted by ${workflowId}: ${answer}\n  ${url}`);
        output.data({ workflowId, accepted: true, answer, exitCode: ExitCode.Success }, () => '');
        return ExitCode.Success;
      });
    }),
  );
}

export const approveCommand = (ctx: CliContext): Command => decisionCommand(ctx, 'approve');
export const abortCommand = (ctx: CliContext): Command => decisionCommand(ctx, 'abort');
