/** An in-memory CliIo for running the CLI in-process. */
import type { CliIo } from '../../../src/cli/io';

/** The io plus what was written. */
export interface MemoryIo extends CliIo {
  out(): string;
  err(): string;
}

export function memoryIo(env: Record<string, string> = {}): MemoryIo {
  let out = '';
  let err = '';
  return {
    stdout: {
      write: (text: string) => {
        out += text;
      },
      isTTY: false,
    },
    stderr: {
      write: (text: string) => {
        err += text;
      },
      isTTY: false,
    },
    env,
    onInterrupt: () => () => undefined,
    out: () => out,
    err: () => err,
  };
}
