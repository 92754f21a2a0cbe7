/** `history <app>`: past operations (Temporal visibility) with outcome, duration, savepoint used. */
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { Command, InvalidArgumentError } from 'commander';
import { formatDuration } from '../../config/durations';
import { SettingGroup } from '../../config/settings';
import type { OperationResult } from '../../contract/operations';
import { appRefOf } from '../app-ref';
import { action, type CliContext } from '../command-kit';
import { ExitCode } from '../exit-codes';
import { searchAttributes } from '../lazy-modules';
import { workflowUrl } from '../links';
import { addAppNamespaceOption, addOutputOption, addSettingOptions, settingsOf } from '../options';
import { withTemporal, type TemporalSession } from '../temporal-client';

/** One past operation as `history --output json` prints it. */
export interface HistoryEntryJson {
  workflowId: string;
  runId: string;
  workflowType: string;
  operation?: string;
  status: string;
  outcome?: string;
  startedAt: string;
  closedAt?: string;
  durationMs?: number;
  savepoint?: string;
  restoredFrom?: string;
  message?: string;
  url: string;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

async function entryOf(session: TemporalSession, info: WorkflowExecutionInfo): Promise<HistoryEntryJson> {
  let result: OperationResult | undefined;
  if (info.status.name === 'COMPLETED') {
    result = (await session.client.workflow
      .getHandle(info.workflowId, info.runId)
      .result()
      .catch(() => undefined)) as OperationResult | undefined;
  }
  const { FlinkOperation, FlinkOutcome } = searchAttributes();
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    workflowType: info.type,
    operation: result?.operation ?? info.typedSearchAttributes.get(FlinkOperation),
    status: info.status.name.toLowerCase(),
    outcome: info.typedSearchAttributes.get(FlinkOutcome) ?? result?.outcome,
    startedAt: info.startTime.toISOString(),
    closedAt: info.closeTime?.toISOString(),
    durationMs: info.closeTime ? info.closeTime.getTime() - info.startTime.getTime() : undefined,
    savepoint: result?.savepoint,
    restoredFrom: result?.restoredFrom,
    message: result?.message,
    url: workflowUrl(session.settings, info.workflowId, info.runId),
  };
}

function historyText(entries: HistoryEntryJson[]): string {
  if (entries.length === 0) return 'no operations recorded';
  return entries
    .map((e) => {
      const used = [e.savepoint && `savepoint ${e.savepoint}`, e.restoredFrom && `restored from ${e.restoredFrom}`]
        .filter(Boolean)
        .join(', ');
      return (
        `${e.startedAt}  ${(e.operation ?? e.workflowType).padEnd(10)} ${(e.outcome ?? e.status).padEnd(12)} ` +
        `${e.durationMs === undefined ? 'running' : formatDuration(e.durationMs).padEnd(8)} ${used}\n    ` +
        `${e.url}`
      );
    })
    .join('\n');
}

export function historyCommand(ctx: CliContext): Command {
  const command = new Command('history')
    .argument('<app>', 'application name')
    .description('list past operations on an application with outcome, duration and savepoint used (newest first)');
  addAppNamespaceOption(command);
  command.option('--limit <n>', 'at most this many operations', positiveInt, 20);
  addOutputOption(command);
  addSettingOptions(command, [SettingGroup.Temporal]);
  return command.action(
    action(ctx, command, async (output, [name = '']) => {
      const app = appRefOf(command, name);
      const settings = settingsOf(command, ctx.io);
      const limit = command.opts<{ limit: number }>().limit;
      const entries = await withTemporal(settings, async (session) => {
        const query = `FlinkApplication = '${app.name}' AND FlinkNamespace = '${app.namespace}'`;
        const infos: WorkflowExecutionInfo[] = [];
        // Visibility lists newest first; sorted again below in case a store does not.
        for await (const info of session.client.workflow.list({ query, pageSize: limit })) {
          infos.push(info);
          if (infos.length >= limit) break;
        }
        infos.sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
        return Promise.all(infos.map((info) => entryOf(session, info)));
      });
      output.data({ app, operations: entries }, () => historyText(entries));
      return ExitCode.Success;
    }),
  );
}
