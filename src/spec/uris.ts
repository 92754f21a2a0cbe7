/**
 * URIs Flink opens (a job's jar, a savepoint, the state directories) and the worker fetches (a session job's jar):
 * their parts, and the rules every field holding one shares. Measured with Flink 2.3's own classes (`Path`,
 * `FileSystem`, the `--jars` artifact fetcher; 1.20 reads them the same): it looks file systems up by the scheme
 * as written, refuses a `file://` URI with an authority ("Found local file path with authority … Did you forget a
 * slash?"), and parses a jar URI with `java.net.URI`. Pure: the spec, the contract's savepoint paths and the
 * workflows share it.
 */

/** What is wrong with a value, and what to write instead. */
export interface ValueProblem {
  message: string;
  hint: string;
}

/** The scheme of a URI as written (`s3` of `s3://bucket/key`); undefined for a path without one. */
export function uriScheme(value: string): string | undefined {
  return /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(value)?.[1];
}

/** The authority of a `scheme://authority/…` URI (`bucket`, `user:pw@host:8020`; may be empty); else undefined. */
export function uriAuthority(value: string): string | undefined {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/]*)/.exec(value)?.[1];
}

/** Schemes whose `<container>@<account>` authority names an Azure storage container, not a user. */
const containerSchemes = ['abfs', 'abfss', 'wasb', 'wasbs'];

/**
 * Whether the URI carries credentials in its authority (`user:password@`, or `user@`, e.g. a token as the user):
 * a secret that would be kept in the record, the Temporal history and the pods' arguments. An Azure storage
 * URI's `<container>@<account>` is no user.
 */
export function hasCredentials(value: string): boolean {
  const authority = uriAuthority(value);
  const at = authority?.lastIndexOf('@') ?? -1;
  if (authority === undefined || at < 0) return false;
  const container = containerSchemes.includes(uriScheme(value)?.toLowerCase() ?? '');
  return !container || authority.slice(0, at).includes(':');
}

/** The URI with the password of a `user:password@` part replaced, for messages. */
export function redactedUri(value: string): string {
  return value.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/, '$1:***@');
}

/** The host of a `file://<host>/…` URI (`file` in any case; `localhost` too): Flink refuses it. */
export function fileUriHost(value: string): string | undefined {
  if (uriScheme(value)?.toLowerCase() !== 'file') return undefined;
  return uriAuthority(value) || undefined;
}

/** A `file://<host>/…` URI, where a path was meant: Flink's message, and the three slashes it suggests. */
export function fileHostProblem(value: string): ValueProblem | undefined {
  const host = fileUriHost(value);
  if (host === undefined) return undefined;
  const path = value.slice(value.indexOf('//') + 2);
  // file://localhost/x meant /x; file://flink-data/x meant /flink-data/x (Flink's own suggestion).
  const meant = `file://${host === 'localhost' ? path.slice(host.length) : `/${path}`}`;
  return {
    message:
      `"${redactedUri(value)}" names a host (${host}): Flink reads a file:// URI with an authority as a mistake ` +
      `and refuses it ("Found local file path with authority '${host}' … Did you forget a slash?")`,
    hint: `Write ${redactedUri(meant)} (three slashes: a path on the pod's file system).`,
  };
}

/**
 * A scheme with upper-case letters: Flink looks file systems (and the `--jars` fetchers) up by the scheme as
 * written, and has none for `FILE`, `LOCAL` or `S3` ("Could not find a file system implementation for scheme").
 */
export function schemeCaseProblem(value: string): ValueProblem | undefined {
  const scheme = uriScheme(value);
  if (scheme === undefined || scheme === scheme.toLowerCase()) return undefined;
  return {
    message:
      `"${redactedUri(value)}" has the scheme "${scheme}": Flink looks file systems up by the scheme as written ` +
      `and has none for "${scheme}"`,
    hint: `Write the scheme in lower case: ${redactedUri(scheme.toLowerCase() + value.slice(scheme.length))}.`,
  };
}

/** Characters `java.net.URI` refuses anywhere: space and the other whitespace, controls, `"<>\^`{|}`. */
const neverInUri = /[\s\p{Cc}\p{Zs}\p{Zl}\p{Zp}"<>\\^`{|}]/u;

/**
 * The positions of the characters `java.net.URI` refuses in `value` (measured on Java 17): those never in a URI, a
 * `%` that starts no escape of two hex digits, `[` `]` in the path (outside an IPv6 host, the query and the
 * fragment), a second `#`.
 */
function refusedCharacters(value: string): number[] {
  const afterScheme = (uriScheme(value)?.length ?? -1) + 1;
  const hostEnd = value.startsWith('//', afterScheme) ? value.indexOf('/', afterScheme + 2) : afterScheme;
  const firstHash = value.indexOf('#');
  const pathEnd = Math.min(...[firstHash, value.indexOf('?'), value.length].filter((i) => i >= 0));
  const refused: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!;
    const inPath = hostEnd >= 0 && i >= hostEnd && i < pathEnd;
    if (
      neverInUri.test(char) ||
      (char === '%' && !/^[0-9a-fA-F]{2}$/.test(value.slice(i + 1, i + 3))) ||
      ((char === '[' || char === ']') && inPath) ||
      (char === '#' && i > firstHash)
    )
      refused.push(i);
  }
  return refused;
}

/** `value` with what `java.net.URI` refuses percent-encoded (a space as `%20`), as Flink then reads it. */
export function percentEncodedUri(value: string): string {
  const refused = new Set(refusedCharacters(value));
  const encode = (text: string) =>
    [...new TextEncoder().encode(text)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  return value
    .split('')
    .map((unit, i) => (refused.has(i) ? encode(unit) : unit))
    .join('');
}

/**
 * A URI `java.net.URI` cannot parse (Flink reads a jar URI with it, and fails with URISyntaxException): whitespace
 * or control characters, `"<>\^`{|}`, `[` `]` in the path, a `%` that starts no escape, a second `#`.
 */
export function uriSyntaxProblem(value: string): ValueProblem | undefined {
  const [at] = refusedCharacters(value);
  if (at === undefined) return undefined;
  const bad = value[at]!;
  const code = `U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  const shown = bad === ' ' ? 'a space' : /[\s\p{C}]/u.test(bad) ? code : `"${bad}"`;
  return {
    message:
      `${JSON.stringify(redactedUri(value))} is not a URI Flink can parse: it holds ${shown} ` +
      '(URISyntaxException: Illegal character)',
    hint: `Percent-encode it (Flink decodes it again): ${redactedUri(percentEncodedUri(value))}.`,
  };
}
