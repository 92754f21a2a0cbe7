/**
 * How the CLI speaks: data on stdout (one JSON document with `--output json`), messages and
 * progress on stderr, one timestamped line per phase (readable in CI logs), a spinner only
 * on a terminal.
 */
import type { CliIo } from './io';
import { Spinner } from './spinner';

/** `--output` choices. */
export const OutputFormat = { Text: 'text', Json: 'json' } as const;
export type OutputFormat = (typeof OutputFormat)[keyof typeof OutputFormat];

/** The printer of one command run. */
export class Output {
  private readonly spinner?: Spinner;

  constructor(
    private readonly io: CliIo,
    readonly format: OutputFormat = OutputFormat.Text,
  ) {
    if (io.stderr.isTTY && format === OutputFormat.Text) this.spinner = new Spinner(io.stderr);
  }

  get json(): boolean {
    return this.format === OutputFormat.Json;
  }

  /** A message for people (stderr). */
  say(text: string): void {
    this.spinner?.clear();
    this.io.stderr.write(`${text}\n`);
  }

  /** A timestamped progress line (stderr), e.g. `12:00:01Z  Savepointing  stop-with-savepoint`. */
  progress(at: Date | string, label: string, details = ''): void {
    const time = (typeof at === 'string' ? new Date(at) : at).toISOString().replace(/\.\d+Z$/, 'Z');
    this.say(`${time}  ${label.padEnd(18)} ${details}`.trimEnd());
  }

  /** What happens now, on the spinner line (terminal only). */
  status(text: string): void {
    this.spinner?.update(text);
  }

  /** The command's data: `document` as JSON with `--output json`, else `text` (stdout). */
  data(document: unknown, text: () => string): void {
    this.spinner?.clear();
    if (this.json) this.io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    else {
      const body = text();
      if (body) this.io.stdout.write(body.endsWith('\n') ? body : `${body}\n`);
    }
  }

  /** Stops the spinner for good. */
  close(): void {
    this.spinner?.clear();
  }
}
