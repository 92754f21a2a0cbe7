/** Command-line values both local stand-ins read: ports and paths; each refusal names its option. */
import path from 'node:path';
import { OptionError } from './errors';

/** A TCP port (1-65535); throws OptionError naming `--<name>` otherwise. */
export function parsePort(name: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0 || parsed > 65535) {
    throw new OptionError(`--${name} must be a port number (1-65535), got ${value}`);
  }
  return parsed;
}

/** A path that must be given, made absolute; throws OptionError naming `--<name>` when it is missing. */
export function requiredPath(name: string, value: string | undefined): string {
  if (!value) throw new OptionError(`--${name} is required`);
  return path.resolve(value);
}
