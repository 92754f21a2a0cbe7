/**
 * `schedule savepoints <app> --every 10m [--keep 5] [--max-age 7d]` and
 * `schedule list|pause|resume|delete`: periodic savepoints as a Temporal Schedule per
 * application (id `flink-deploy-savepoints/<ns>/<app>`, overlap SKIP, explicit catch-up window).
 */
import type { ScheduleOptions, ScheduleSummary } from '@temporalio/client';
import { Command, InvalidArgumentError, Option } from 'commander';
import { formatDuration } from '../../config/durations';
import { SettingGroup } from '../../config/settings';
import { savepointScheduleId } from '../../contract/ids';
import { Operation } from '../../contract/operations';
import { SavepointKind, type RetentionPolicy } from '../../contract/savepoints';
import type { AppRef } from '../../contract/app';
import type { SavepointInput } from '../../contract/workflow-inputs';
import { appRefOf } from '../app-ref';
import { action, type CliContext } from '../command-kit';
import { readDeployedRecord } from '../deployed-state';
import { CliError, CliErrorCode } from '../errors';
import { ExitCode } from '../exit-codes';
import { searchAttributes as searchAttributeKeys, temporalClient } from '../lazy-modules';
import { scheduleUrl } from '../links';
import type { Output } from '../output';
import { addAppNamespaceOption, addOutputOption, addSettingOptions, settingsOf } from '../options';
import { withTemporal, type TemporalSession } from '../temporal-client';
import { durationArgument } from '../wait-options';

/** Ids of savepoint schedules start with this. */
export const scheduleIdPrefix = 'flink-deploy-savepoints/';

/** The smallest catch-up window Temporal accepts. */
const minCatchupMs = 10_000;

/**
 * The shortest interval between periodic savepoints. Each one takes the application's lock and writes its whole
 * state: a schedule faster than this would hold the lock most of the time (an upgrade without --queue would meet
 * exit 5) and start a workflow run every few seconds for nothing.
 */
const minSavepointIntervalMs = 10_000;

/** `--every`: a duration of at least minSavepointIntervalMs. */
function intervalArgument(value: string): number {
  const ms = durationArgument(value);
  if (ms < minSavepointIntervalMs) {
    throw new InvalidArgumentError(
      `the interval must be at least ${formatDuration(minSavepointIntervalMs)} (each periodic savepoint takes the ` +
        `application's lock and writes its whole state); use e.g. 10m.`,
    );
  }
  return ms;
}

/**
 * The most savepoints `--keep` keeps: far above any real need (a savepoint every 10 s for a day is 8640), and a
 * larger number is a typo (`--keep 99999999999999999999` was taken, as 1e20).
 */
const maxKeep = 10_000;

/** `--keep`: a whole number from 1 to maxKeep. */
function keepArgument(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > maxKeep)
    throw new InvalidArgumentError(`expected a whole number from 1 to ${maxKeep}.`);
  return n;
}

/**
 * A `--max-age` not longer than `--every` is refused (exit 2): each savepoint would be older than the maximum age
 * when the next one is taken, so retention would keep the newest alone, whatever `--keep` says.
 */
function refuseMaxAgeWithinInterval(command: Command): void {
  const { every, maxAge, keep } = command.opts<{ every: number; maxAge?: number; keep: number }>();
  if (maxAge === undefined || maxAge > every) return;
  throw new CliError({
    code: CliErrorCode.Usage,
    message:
      `--max-age ${formatDuration(maxAge)} is not longer than --every ${formatDuration(every)}: each savepoint ` +
      'would be older than the max age by the time the next one is taken, so retention would keep only the ' +
      `newest${keep > 1 ? ` (not ${keep}, as --keep says)` : ''}`,
    hint:
      (keep > 1
        ? `Give a --max-age longer than the interval (e.g. --every ${formatDuration(every)} --max-age ` +
          `${formatDuration(every * keep)} to keep ${keep}), or drop --max-age.`
        : 'Give a --max-age longer than the interval, or drop --max-age (--keep 1 keeps the newest alone).') +
      ' Nothing was changed.',
  });
}

/** Input of `savepointScheduleOptions`. */
export interface SavepointScheduleInput {
  app: AppRef;
  taskQueue: string;
  everyMs: number;
  retention: RetentionPolicy;
  /** @default the interval (at least 10 s): a missed savepoint runs late at most one interval. */
  catchupWindowMs?: number;
}

/**
 * Where in each interval an application's savepoints fall: a fixed phase from its namespace and name
 * (whole seconds, under the interval). Temporal aligns an interval schedule to the epoch, so without
 * it every application of a fleet scheduled `--every 10m` would take its savepoint in the same second.
 */
export function schedulePhaseMs(app: AppRef, everyMs: number): number {
  const slots = Math.max(1, Math.floor(everyMs / 1000));
  let hash = 2166136261;
  for (const ch of `${app.namespace}/${app.name}`) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
  return (hash % slots) * 1000;
}

/** The schedule of periodic savepoints of an application. Pure. */
export function savepointScheduleOptions(input: SavepointScheduleInput): ScheduleOptions {
  const { app, retention } = input;
  const args: [SavepointInput] = [{ app, kind: SavepointKind.Periodic, retention }];
  const { FlinkApplication, FlinkNamespace, FlinkOperation } = searchAttributeKeys();
  const searchAttributes = [
    { key: FlinkApplication, value: app.name },
    { key: FlinkNamespace, value: app.namespace },
    { key: FlinkOperation, value: Operation.Savepoint },
  ];
  return {
    scheduleId: savepointScheduleId(app),
    spec: { intervals: [{ every: input.everyMs, offset: schedulePhaseMs(app, input.everyMs) }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'savepoint',
      args,
      taskQueue: input.taskQueue,
      workflowId: `flink-deploy-periodic-savepoint/${app.namespace}/${app.name}`,
      typedSearchAttributes: searchAttributes,
      staticSummary:
        `periodic savepoint ${app.name} (${app.namespace}), keep ` +
        `${retention.keep}` +
        `${retention.maxAgeSeconds ? `, max age ${formatDuration(retention.maxAgeSeconds * 1000)}` : ''}`,
    },
    policies: {
      overlap: temporalClient().ScheduleOverlapPolicy.SKIP,
      catchupWindow: Math.max(minCatchupMs, input.catchupWindowMs ?? input.everyMs),
    },
    typedSearchAttributes: searchAttributes,
    memo: { app, everyMs: input.everyMs, retention },
  };
}

/** One schedule as `schedule list --output json` prints it. */
export interface ScheduleJson {
  scheduleId: string;
  app?: AppRef;
  every?: string;
  retention?: RetentionPolicy;
  paused: boolean;
  note?: string;
  nextRun?: string;
  lastRun?: string;
  url: string;
}

function scheduleJson(session: TemporalSession, summary: ScheduleSummary): ScheduleJson {
  const memo = (summary.memo ?? {}) as { app?: AppRef; everyMs?: number; retention?: RetentionPolicy };
  return {
    scheduleId: summary.scheduleId,
    app: memo.app,
    every: memo.everyMs ? formatDuration(memo.everyMs) : undefined,
    retention: memo.retention,
    paused: summary.state.paused,
    note: summary.state.note || undefined,
    nextRun: summary.info.nextActionTimes[0]?.toISOString(),
    lastRun: summary.info.recentActions.at(-1)?.takenAt.toISOString(),
    url: scheduleUrl(session.settings, summary.scheduleId),
  };
}

function notFound(app: AppRef): CliError {
  return new CliError({
    code: CliErrorCode.NotFound,
    message: `no savepoint schedule for ${app.namespace}/${app.name}`,
    hint: `Create one with \`flink-deploy schedule savepoints ${app.name} -n ${app.namespace} --every 10m\`.`,
  });
}

function appCommand(
  ctx: CliContext,
  init: {
    name: string;
    description: string;
    run: (input: { session: TemporalSession; app: AppRef; output: Output; command: Command }) => Promise<number>;
    /** Checks the options before Temporal is asked (a bad combination: exit 2). */
    check?: (command: Command) => void;
  },
): Command {
  const command = new Command(init.name).argument('<app>', 'application name').description(init.description);
  addAppNamespaceOption(command);
  addOutputOption(command);
  addSettingOptions(command, [SettingGroup.Temporal]);
  return command.action(
    action(ctx, command, async (output, [name = '']) => {
      const app = appRefOf(command, name);
      init.check?.(command);
      const settings = settingsOf(command, ctx.io);
      return withTemporal(settings, async (session) => {
        try {
          return await init.run({ session, app, output, command });
        } catch (err) {
          if (err instanceof temporalClient().ScheduleNotFoundError) throw notFound(app);
          throw err;
        }
      });
    }),
  );
}

/**
 * Whether the application has a deployed-state record, to say so when a schedule is made for one that does not (a
 * misspelt name would skip every run). Undefined when Kubernetes cannot be read: the schedule needs only Temporal.
 */
async function isDeployed(session: TemporalSession, app: AppRef): Promise<boolean | undefined> {
  try {
    return (await readDeployedRecord(session.settings, app))?.lastAppliedSpec !== undefined;
  } catch {
    return undefined;
  }
}

function savepointsCommand(ctx: CliContext): Command {
  const command = appCommand(ctx, {
    name: 'savepoints',
    description: 'take a savepoint periodically (creates or updates the schedule)',
    check: refuseMaxAgeWithinInterval,
    run: async ({ session, app, output, command: cmd }) => {
      const opts = cmd.opts<{ every: number; keep: number; maxAge?: number; catchupWindow?: number }>();
      const retention: RetentionPolicy = {
        keep: opts.keep,
        maxAgeSeconds: opts.maxAge === undefined ? undefined : Math.round(opts.maxAge / 1000),
      };
      const options = savepointScheduleOptions({
        app,
        taskQueue: session.settings.taskQueue,
        everyMs: opts.every,
        retention,
        catchupWindowMs: opts.catchupWindow,
      });
      const deployedNow = isDeployed(session, app); // read while the schedule is made (it never throws)
      let verb = 'created';
      try {
        await session.client.schedule.create(options);
      } catch (err) {
        if (!(err instanceof temporalClient().ScheduleAlreadyRunning)) throw err;
        await session.client.schedule.getHandle(options.scheduleId).update((previous) => ({
          ...previous,
          spec: options.spec,
          action: options.action,
          policies: { ...previous.policies, ...options.policies },
        }));
        verb = 'updated';
      }
      const url = scheduleUrl(session.settings, options.scheduleId);
      output.say(
        `${verb} schedule ${options.scheduleId}: a savepoint every ${formatDuration(opts.every)}, keep ` +
          `${retention.keep}${opts.maxAge ? `, max age ${formatDuration(opts.maxAge)}` : ''}\n  ${url}`,
      );
      const deployed = await deployedNow;
      if (deployed === false)
        output.say(
          `note: ${app.namespace}/${app.name} has no deployed state (never deployed, or deleted): each run skips ` +
            'its savepoint until the application runs. Check the name and namespace, or apply it.',
        );
      output.data(
        {
          scheduleId: options.scheduleId,
          app,
          every: formatDuration(opts.every),
          retention,
          result: verb,
          url,
          ...(deployed === undefined ? {} : { deployed }),
        },
        () => '',
      );
      return ExitCode.Success;
    },
  });
  command.addOption(
    new Option('--every <duration>', 'interval between savepoints, e.g. 10m (at least 10s)')
      .argParser(intervalArgument)
      .makeOptionMandatory(),
  );
  command.option('--keep <n>', `keep the newest n savepoints (at most ${maxKeep})`, keepArgument, 5);
  command.addOption(
    new Option('--max-age <duration>', 'dispose savepoints older than this, e.g. 7d (longer than --every)').argParser(
      durationArgument,
    ),
  );
  command.addOption(
    new Option(
      '--catchup-window <duration>',
      'after an outage, still take a missed savepoint this late (default: the interval, at least 10s)',
    ).argParser(durationArgument),
  );
  return command;
}

function listCommand(ctx: CliContext): Command {
  const command = new Command('list').description('list the savepoint schedules');
  addOutputOption(command);
  addSettingOptions(command, [SettingGroup.Temporal]);
  return command.action(
    action(ctx, command, async (output) => {
      const settings = settingsOf(command, ctx.io);
      const schedules = await withTemporal(settings, async (session) => {
        const out: ScheduleJson[] = [];
        for await (const summary of session.client.schedule.list()) {
          if (summary.scheduleId.startsWith(scheduleIdPrefix)) out.push(scheduleJson(session, summary));
        }
        return out.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
      });
      output.data({ schedules }, () =>
        schedules.length === 0
          ? 'no savepoint schedules'
          : schedules
              .map(
                (s) =>
                  `${s.scheduleId}  every ${s.every ?? '?'}  keep ` +
                  `${s.retention?.keep ?? '?'}` +
                  (s.retention?.maxAgeSeconds ? ` max age ${formatDuration(s.retention.maxAgeSeconds * 1000)}` : '') +
                  `  ${s.paused ? `PAUSED${s.note ? ` (${s.note})` : ''}` : `next ${s.nextRun ?? '-'}`}\n   ` +
                  ` ${s.url}`,
              )
              .join('\n'),
      );
      return ExitCode.Success;
    }),
  );
}

function stateCommand(ctx: CliContext, init: { name: 'pause' | 'resume' | 'delete'; description: string }): Command {
  return appCommand(ctx, {
    name: init.name,
    description: init.description,
    run: async ({ session, app, output }) => {
      const scheduleId = savepointScheduleId(app);
      const handle = session.client.schedule.getHandle(scheduleId);
      if (init.name === 'pause') await handle.pause('paused with flink-deploy schedule pause');
      else if (init.name === 'resume') await handle.unpause('resumed with flink-deploy schedule resume');
      else await handle.delete();
      const done = { pause: 'paused', resume: 'resumed', delete: 'deleted' }[init.name];
      output.say(`${done} schedule ${scheduleId}`);
      output.data({ scheduleId, app, result: done }, () => '');
      return ExitCode.Success;
    },
  });
}

export function scheduleCommand(ctx: CliContext): Command {
  return new Command('schedule')
    .description('periodic savepoints: a Temporal Schedule per application')
    .addCommand(savepointsCommand(ctx))
    .addCommand(listCommand(ctx))
    .addCommand(stateCommand(ctx, { name: 'pause', description: 'pause the savepoint schedule of an application' }))
    .addCommand(stateCommand(ctx, { name: 'resume', description: 'resume the savepoint schedule of an application' }))
    .addCommand(
      stateCommand(ctx, {
        name: 'delete',
        description: 'delete the savepoint schedule of an application (savepoints stay)',
      }),
    );
}
