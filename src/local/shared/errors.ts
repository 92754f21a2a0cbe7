/**
 * Errors both local stand-ins raise (the node agent and kube-proxy, one process each): a bad command-line option,
 * which their entry points turn into exit 2 with the message, and the message of anything thrown.
 */

/** A command-line option that is missing or malformed; the message names the option. */
export class OptionError extends Error {
  readonly code = 'BAD_OPTION';
  constructor(message: string) {
    super(message);
    this.name = 'OptionError';
  }
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
