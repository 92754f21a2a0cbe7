/** The application a command names: `<app>` and `-n <namespace>`. */
import type { Command } from 'commander';
import type { AppRef } from '../contract/app';
import { CliError, CliErrorCode } from './errors';

/** A Kubernetes name (RFC 1035 label). */
export const dns1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** The AppRef of `<app> -n <ns>`; a malformed name is a usage error (exit 2). */
export function appRefOf(command: Command, name: string): AppRef {
  const namespace = command.opts<{ namespace: string }>().namespace;
  for (const [what, value] of [
    ['application name', name],
    ['namespace', namespace],
  ] as const) {
    if (!dns1035.test(value) || value.length > 63) {
      throw new CliError({
        code: CliErrorCode.Usage,
        message: `invalid ${what} "${value}"`,
        hint: 'Use a Kubernetes name: lowercase letters, digits and -, starting with a letter.',
      });
    }
  }
  return { namespace, name };
}
