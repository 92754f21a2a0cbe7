/**
 * The options of `apply` that shape a fleet rollout (several manifests or a folder), parsed and
 * checked: a bad value, or one given to a single-manifest apply, is exit 2 and nothing starts.
 */
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { formatDuration } from '../config/durations';
import type { AppRef } from '../contract/app';
import { IfBusy, type FleetApp, type FleetInput } from '../contract/fleet';
import { CliError, CliErrorCode } from './errors';
import { durationArgument } from './wait-options';

const defaults = { concurrency: 5, busyTimeoutMs: 10 * 60_000, approvalTimeoutMs: 24 * 3_600_000 };

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1.');
  return n;
}

/** `-f` given several times (or a folder): the manifests of a fleet (apply) or of a check (validate). */
export function addFilesOption(
  command: Command,
  description = 'FlinkDeployment manifest (YAML); - reads stdin; several -f, or a folder of manifests: a fleet rollout',
): Command {
  return command.addOption(
    new Option('-f, --file <path>', description)
      .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value])
      .makeOptionMandatory(),
  );
}

/** The fleet options, in the order `--help` shows them. */
const fleetOptions: Option[] = [
  new Option('--canary <apps>', 'fleet: the canaries, by name or namespace/name, comma-separated (run first)'),
  new Option('--canaries <n>', 'fleet: the first n applications that change are the canaries').argParser(
    positiveInteger,
  ),
  new Option('--approve-after-canary', 'fleet: after the canaries, wait for `flink-deploy approve <rollout>`'),
  new Option('--approval-wait <duration>', 'fleet: how long the approval gate waits before the rollout aborts')
    .argParser(durationArgument)
    .default(defaults.approvalTimeoutMs, formatDuration(defaults.approvalTimeoutMs)),
  new Option('--concurrency <n>', 'fleet: operations running at once, at most')
    .argParser(positiveInteger)
    .default(defaults.concurrency),
  new Option(
    '--rollback-on-failure',
    'fleet: when a failure halts the rollout, send the applications it already moved back to their previous spec',
  ),
  new Option('--if-busy <what>', 'fleet: an application another operation holds: wait for it, or skip it')
    .choices(Object.values(IfBusy))
    .default(IfBusy.Wait),
  new Option('--busy-timeout <duration>', 'fleet: with --if-busy wait, how long one application is waited for')
    .argParser(durationArgument)
    .default(defaults.busyTimeoutMs, formatDuration(defaults.busyTimeoutMs)),
  new Option('--rollout-id <id>', 'fleet: the rollout id (default: generated from the time)'),
];

export function addFleetOptions(command: Command): Command {
  for (const option of fleetOptions) command.addOption(option);
  return command;
}

/** The fleet options given on the command line (not their defaults). */
export function givenFleetOptions(command: Command): string[] {
  return fleetOptions
    .filter((o) => command.getOptionValueSource(o.attributeName()) === 'cli')
    .map((o) => o.long ?? o.name());
}

interface FleetOpts {
  canary?: string;
  canaries?: number;
  approveAfterCanary?: boolean;
  approvalWait: number;
  concurrency: number;
  rollbackOnFailure?: boolean;
  ifBusy: IfBusy;
  busyTimeout: number;
  rolloutId?: string;
}

function usage(message: string, hint: string): CliError {
  return new CliError({ code: CliErrorCode.Usage, message, hint: `${hint} Nothing was started.` });
}

/** A generated rollout id: `<utc yyyymmdd-hhmmss>-<4 hex>`. */
export function newRolloutId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '')
    .replace('T', '-');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/** A rollout id (`--rollout-id`, and what `approve` and `abort` name): lower case, as Kubernetes names are. */
const rolloutIdPattern = /^[a-z0-9][a-z0-9.-]{0,62}$/;

/** `id` when it can be a rollout's id; otherwise exit 2 (`what`: where it was given), before Temporal is asked. */
export function requireRolloutId(id: string, what: string): string {
  if (rolloutIdPattern.test(id)) return id;
  throw usage(
    `${what} ${JSON.stringify(id)}: not a valid rollout id`,
    'A rollout id is 1-63 lowercase letters, digits, dots and dashes, starting with a letter or digit ' +
      '(as apply printed it: "started fleet rollout <id>").',
  );
}

/** The canaries `--canary` names, as keys (`namespace/name`) of the fleet's applications; a bad name: exit 2. */
function canaryKeys(canary: string, keys: readonly string[]): string[] {
  const canaries: string[] = [];
  for (const wanted of canary.split(',').map((c) => c.trim())) {
    const matches = keys.filter((k) => k === wanted || k.split('/')[1] === wanted);
    if (matches.length !== 1)
      throw usage(
        matches.length === 0
          ? `--canary ${wanted}: no application of the fleet has that name`
          : `--canary ${wanted}: ambiguous (${matches.join(', ')})`,
        `Name the canary as namespace/name, one of: ${keys.join(', ')}.`,
      );
    if (!canaries.includes(matches[0]!)) canaries.push(matches[0]!);
  }
  return canaries;
}

/**
 * Checks what the fleet options say that needs no cluster (the canaries' names against the manifests, the
 * rollout id): a bad one is exit 2 before the cluster is read or Temporal asked.
 */
export function checkFleetOptions(command: Command, apps: readonly AppRef[]): void {
  const opts = command.opts<FleetOpts>();
  if (opts.canary !== undefined && opts.canaries !== undefined)
    throw usage('--canary and --canaries both name the canaries', 'Give one of them.');
  if (opts.canary !== undefined)
    canaryKeys(
      opts.canary,
      apps.map((a) => `${a.namespace}/${a.name}`),
    );
  if (opts.rolloutId !== undefined) requireRolloutId(opts.rolloutId, '--rollout-id');
}

/** The rollout's input from the options and the planned applications; a bad combination: exit 2. */
export function fleetInputOf(command: Command, apps: FleetApp[]): FleetInput {
  checkFleetOptions(
    command,
    apps.map((a) => a.spec),
  );
  const opts = command.opts<FleetOpts>();
  let canaries: string[] = [];
  if (opts.canary !== undefined)
    canaries = canaryKeys(
      opts.canary,
      apps.map((a) => `${a.spec.namespace}/${a.spec.name}`),
    );
  else if (opts.canaries !== undefined)
    canaries = apps
      .filter((a) => !a.unchanged)
      .map((a) => `${a.spec.namespace}/${a.spec.name}`)
      .slice(0, opts.canaries);
  if (opts.approveAfterCanary && canaries.length === 0)
    throw usage(
      '--approve-after-canary needs canaries that change',
      'Name them with --canary <apps> or --canaries <n> (unchanged applications are not canaries).',
    );
  return {
    rolloutId: opts.rolloutId ?? newRolloutId(),
    apps,
    canaries,
    approveAfterCanary: opts.approveAfterCanary === true,
    approvalTimeoutSeconds: Math.ceil(opts.approvalWait / 1000),
    concurrency: opts.concurrency,
    rollbackOnFailure: opts.rollbackOnFailure === true,
    ifBusy: opts.ifBusy,
    busyTimeoutSeconds: Math.ceil(opts.busyTimeout / 1000),
  };
}

/** Refuses fleet options on a single-manifest apply (exit 2): they would be silently ignored. */
export function refuseFleetOptions(command: Command): void {
  const given = givenFleetOptions(command);
  if (given.length)
    throw new CliError({
      code: CliErrorCode.Usage,
      message: `${given.join(', ')}: only for a fleet rollout (several -f, or a folder)`,
      hint: 'Drop the option, or pass several manifests. Nothing was started.',
    });
}
