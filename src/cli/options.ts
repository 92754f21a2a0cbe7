/**
 * Shared options: the settings table as flags (with env and default in `--help`), the
 * manifest file, the application namespace and the output format.
 */
import { Option, type Command } from 'commander';
import {
  defaultText,
  loadSettings,
  settingDefinitions,
  SettingsError,
  type SettingFlags,
  type SettingGroup,
  type Settings,
} from '../config/settings';
import { requireNamespace } from './app-ref';
import { CliError, CliErrorCode } from './errors';
import type { CliIo } from './io';
import { Output, OutputFormat } from './output';

const settingOptionKeys = new WeakMap<Command, Map<string, keyof SettingFlags>>();

/** Adds the flags of the settings of these groups to `command`. */
export function addSettingOptions(command: Command, groups: readonly SettingGroup[]): Command {
  const keys = new Map<string, keyof SettingFlags>();
  const taken = (d: (typeof settingDefinitions)[number]) =>
    groups.includes(d.group) || (d.alsoIn ?? []).some((g) => groups.includes(g));
  for (const definition of settingDefinitions.filter(taken)) {
    const shownDefault = defaultText(definition);
    const help =
      `${definition.description} (env: ` +
      `${definition.env.join(', ')}${shownDefault ? `; default: ${shownDefault}` : ''})`;
    const option = new Option(definition.flag, help);
    keys.set(option.attributeName(), definition.key);
    command.addOption(option);
  }
  settingOptionKeys.set(command, keys);
  return command;
}

/** Loads the settings from the command's flags and the environment; bad values → exit 2. */
export function settingsOf(command: Command, io: CliIo): Settings {
  const keys = settingOptionKeys.get(command) ?? new Map<string, keyof SettingFlags>();
  const opts = command.opts<Record<string, string | boolean | undefined>>();
  const flags: SettingFlags = {};
  for (const [attribute, key] of keys) flags[key] = opts[attribute];
  try {
    return loadSettings(flags, io.env);
  } catch (err) {
    if (err instanceof SettingsError) {
      throw new CliError({
        code: CliErrorCode.InvalidSetting,
        message: err.message,
        hint: 'Fix the flag or the environment variable named above.',
      });
    }
    throw err;
  }
}

/** `-o, --output <format>`. */
export function addOutputOption(command: Command): Command {
  return command.addOption(
    new Option('-o, --output <format>', 'output format: text for people, json for machines (stdout)')
      .choices(Object.values(OutputFormat))
      .default(OutputFormat.Text),
  );
}

/** The printer for the command's `--output`. */
export function outputOf(command: Command, io: CliIo): Output {
  const format = command.opts<{ output?: OutputFormat }>().output ?? OutputFormat.Text;
  return new Output(io, format);
}

/** `-n, --namespace <ns>`: the Kubernetes namespace of the application. */
export function addAppNamespaceOption(command: Command): Command {
  return command.option('-n, --namespace <namespace>', 'Kubernetes namespace of the application', 'default');
}

/** `-n, --namespace <ns>` of a command that reads a manifest: the namespace of a manifest that names none. */
export function addManifestNamespaceOption(command: Command): Command {
  return command.option(
    '-n, --namespace <namespace>',
    'namespace of an application whose manifest names none (as kubectl -n); a manifest naming another is refused',
  );
}

/** The `-n` of a command that reads a manifest (undefined when not given); a malformed name is exit 2. */
export function manifestNamespaceOf(command: Command): string | undefined {
  const namespace = command.opts<{ namespace?: string }>().namespace;
  if (namespace !== undefined) requireNamespace(namespace);
  return namespace;
}

/** `-f, --file <path>`: the one FlinkDeployment manifest of a command (`-` reads stdin); see `fileOf`. */
export function addFileOption(command: Command): Command {
  return command.addOption(
    new Option('-f, --file <path>', 'FlinkDeployment manifest (YAML); - reads stdin')
      .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value])
      .makeOptionMandatory(),
  );
}

/**
 * The manifest of a command that takes one (`addFileOption`). `-f` given more than once is exit 2 (it was the
 * last one, silently), naming what takes several.
 */
export function fileOf(command: Command): string {
  const files = command.opts<{ file: string[] }>().file;
  if (files.length > 1)
    throw new CliError({
      code: CliErrorCode.Usage,
      message: `${command.name()} takes one manifest, and -f names ${files.length}: ${files.join(', ')}`,
      hint:
        `To see what apply would do with each, run \`flink-deploy apply ${files.map((f) => `-f ${f}`).join(' ')} ` +
        '--dry-run` (a fleet), or plan them one by one. Nothing was started.',
    });
  return files[0]!;
}
