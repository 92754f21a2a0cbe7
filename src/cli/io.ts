/** What the CLI touches of its process, injectable for tests. */
import type { Env } from '../config/settings';

/** A writable text stream (process.stdout / process.stderr). */
export interface TextStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** The process seen by the CLI. */
export interface CliIo {
  stdout: TextStream;
  stderr: TextStream;
  env: Env;
  /**
   * Call `handler` on Ctrl-C (SIGINT) or SIGTERM (a CI job cancelled, `timeout`, `kill`); returns the function
   * that removes it. Either stops a wait, never the operation.
   */
  onInterrupt(handler: () => void): () => void;
}

/** The real process. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
  };
}
