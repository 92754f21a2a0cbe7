/** `--wait`, `--no-wait`, `--timeout`, `--queue`: how a command that starts an operation waits. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { formatDuration, parseDuration } from '../config/durations';
import type { CliIo } from './io';

/** The default `--timeout`. */
export const defaultTimeoutMs = 15 * 60_000;

/** Parsed wait options. */
export interface WaitOptions {
  wait: boolean;
  timeoutMs: number;
  queue: boolean;
}

/** Commander argument parser for durations (`5s`, `15m`, `1h`); a bad value is a usage error (exit 2). */
export function durationArgument(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0)
    throw new InvalidArgumentError('expected a positive duration such as 30s, 15m, 1h, 7d.');
  if (ms > maxDurationMs)
    throw new InvalidArgumentError(`expected a duration of at most ${formatDuration(maxDurationMs)} (about 10 years).`);
  return ms;
}

/** The longest duration an option takes: longer is a typo (`100000d`), or a number no timer or schedule holds. */
export const maxDurationMs = 3650 * 24 * 3_600_000;

/** `--timeout <duration>`: how long a command waits (`description` says for what, and its exit code). */
export function timeoutOption(description: string, defaultMs = defaultTimeoutMs): Option {
  return new Option('--timeout <duration>', description)
    .argParser(durationArgument)
    .default(defaultMs, formatDuration(defaultMs));
}

/** Adds the wait options; `queue` adds `--queue`. */
export function addWaitOptions(command: Command, options: { queue: boolean }): Command {
  command
    .option('--wait', 'follow the operation to its end (default when stdout is not a terminal, e.g. in CI)')
    .option('--no-wait', 'start the operation and return')
    .addOption(timeoutOption('how long to wait before giving up waiting (exit 4; the operation goes on)'));
  if (options.queue)
    command.option(
      '--queue',
      'when another operation is in progress, wait for it and start after it (instead of exit 5)',
      false,
    );
  return command;
}

/** The wait options of a run; `--wait` defaults to "stdout is not a terminal". */
export function waitOptionsOf(command: Command, io: CliIo): WaitOptions {
  const opts = command.opts<{ wait?: boolean; timeout: number; queue?: boolean }>();
  return { wait: opts.wait ?? !io.stdout.isTTY, timeoutMs: opts.timeout, queue: opts.queue ?? false };
}
