/**
 * The generated part of docs/cli.md: every command's `--help`, so the docs can't drift.
 * Regenerate with `npx tsx src/cli/help-reference.ts --write`; a unit test checks it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { defaultText, flagName, settingDefinitions } from '../config/settings';
import { buildProgram } from './program';
import { formatDuration } from '../config/durations';
import { maxDurationMs } from './wait-options';

export const beginMarker = '<!-- BEGIN GENERATED: flink-deploy --help (npx tsx src/cli/help-reference.ts --write) -->';
export const endMarker = '<!-- END GENERATED -->';
export const docsPath = path.join(__dirname, '..', '..', 'docs', 'cli.md');

function walk(command: Command, prefix: string[], out: { name: string; help: string }[]): void {
  command.configureHelp({ helpWidth: 110 });
  command.configureOutput({ ...command.configureOutput(), getOutHasColors: () => false, getOutHelpWidth: () => 110 });
  const name = [...prefix, command.name()];
  out.push({ name: name.join(' '), help: command.helpInformation() });
  // `help [command]` (src/cli/program.ts) is listed by its parent, as commander's own was; it has no options.
  for (const sub of command.commands) if (sub.name() !== 'help') walk(sub, name, out);
}

/** The settings table as markdown. */
export function renderSettingsTable(): string {
  const rows = settingDefinitions.map(
    (d) =>
      `| \`${d.name}\` | \`${flagName(d)}\` | ${d.env.map((e) => `\`${e}\``).join(', ')} | ` +
      `${defaultText(d) ?? '—'} | ${d.group} | ${d.description.replace(/\|/g, '\\|')} |`,
  );
  return ['| setting | flag | env | default | commands | description |', '|---|---|---|---|---|---|', ...rows].join(
    '\n',
  );
}

/** The help of every command as markdown. */
export function renderHelpReference(): string {
  const program = buildProgram({
    io: { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, onInterrupt: () => () => undefined },
    exit: () => undefined,
  });
  const entries: { name: string; help: string }[] = [];
  walk(program, [], entries);
  const help = entries
    .map((entry) => `### \`${entry.name}\`\n\n\`\`\`text\n${entry.help.trimEnd()}\n\`\`\`\n`)
    .join('\n');
  return (
    `## Settings\n\nEvery setting: flag, then environment, then default. The Temporal connection also reads ` +
    `the TOML profile of \`@temporalio/envconfig\` (TEMPORAL_CONFIG_FILE, default ` +
    `~/.config/temporalio/temporal.toml), under the TEMPORAL_* variables. Commands: \`temporal\` = every ` +
    `command that talks to Temporal, \`kubernetes\` = plan, status, apply --dry-run and the worker, ` +
    `\`worker\` = the worker only. A duration is at most 24d20h31m23s647ms, the longest a timer waits (a ` +
    `\`--timeout\` may be longer). A command's duration option (\`--timeout\`, \`--every\`, \`--max-age\`, …) is at ` +
    `most ${formatDuration(maxDurationMs)}: a longer one is refused (exit 2) as a typo.\n\n` +
    `${renderSettingsTable()}\n\n## Commands (\`--help\` of each)\n\n${help}`
  );
}

/** docs/cli.md with the generated block replaced by the current help. */
export function renderDocs(current: string): string {
  const start = current.indexOf(beginMarker);
  const end = current.indexOf(endMarker);
  if (start < 0 || end < start) throw new Error(`docs/cli.md lacks the markers ${beginMarker} … ${endMarker}`);
  return `${current.slice(0, start + beginMarker.length)}\n\n${renderHelpReference()}\n${current.slice(end)}`;
}

if (require.main === module) {
  const current = readFileSync(docsPath, 'utf8');
  const next = renderDocs(current);
  if (process.argv.includes('--write')) writeFileSync(docsPath, next);
  else if (next !== current) {
    process.stderr.write('docs/cli.md is out of date: run npx tsx src/cli/help-reference.ts --write\n');
    process.exit(1);
  }
}
