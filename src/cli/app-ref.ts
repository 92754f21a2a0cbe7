/** The application a command names: `<app>` and `-n <namespace>`. */
import type { Command } from 'commander';
import type { AppRef } from '../contract/app';
import { isDns1035Label, isDns1123Label, maxAppNameLength } from '../spec/validators';
import { CliError, CliErrorCode } from './errors';

/** An application name as manifests have it (src/spec/validators.ts): exit 2 naming the rule. */
export function requireAppName(name: string): string {
  if (isDns1035Label(name, maxAppNameLength)) return name;
  throw new CliError({
    code: CliErrorCode.Usage,
    message: `invalid application name "${name}"`,
    hint: `Use at most ${maxAppNameLength} lower-case letters, digits and '-', starting with a letter.`,
  });
}

/** A Kubernetes namespace (a DNS-1123 label, as Kubernetes has it): exit 2 naming the rule. */
export function requireNamespace(namespace: string): string {
  if (isDns1123Label(namespace)) return namespace;
  throw new CliError({
    code: CliErrorCode.Usage,
    message: `invalid namespace "${namespace}"`,
    hint: "Use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit.",
  });
}

/** The AppRef of `<app> -n <ns>`; a malformed name is a usage error (exit 2). */
export function appRefOf(command: Command, name: string): AppRef {
  const namespace = command.opts<{ namespace: string }>().namespace;
  return { namespace: requireNamespace(namespace), name: requireAppName(name) };
}
