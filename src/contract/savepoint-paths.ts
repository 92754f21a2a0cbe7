/**
 * Paths of savepoints named by the user (a FlinkStateSnapshot registering an existing savepoint):
 * what is refused, which ones are on a file system the worker can look at, and when two paths name
 * the same savepoint (Flink reports `file:/x`, a user may write `file:///x`, `/x` or `/x/`). Pure:
 * the spec parser, the CLI, the workflows and the activities share it; the rules of URIs it shares with every
 * field holding one (src/spec/uris.ts).
 */
import { fileHostProblem, fileUriHost, hasCredentials, redactedUri, uriAuthority } from '../spec/uris';

/**
 * Why a savepoint path cannot be registered, with what to do; undefined when it can. `specChecks3` false: as before
 * ValidateOptions.specChecks3 (src/spec/parse.ts), `file://localhost/…` taken, for a workflow's replay.
 */
export function savepointPathProblem(
  path: string,
  options: { specChecks3?: boolean } = {},
): { message: string; hint: string } | undefined {
  const example = 'e.g. s3://bucket/savepoints/savepoint-1a2b3c-0123456789ab or file:///flink-data/savepoints/…';
  if (/[\u0000-\u001f\u007f]/.test(path) || /\s/.test(path))
    return {
      message: `"${path}" contains whitespace or control characters`,
      hint: `Give the savepoint directory, ${example}.`,
    };
  const uri = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/.exec(path);
  if (!uri && !path.startsWith('/'))
    return {
      message: `"${path}" is not an absolute savepoint path`,
      hint: `Use a URI with a scheme or an absolute path (Flink has no working directory of yours), ${example}.`,
    };
  if (uri) {
    const [, scheme = '', rest = ''] = uri;
    const fileScheme = scheme.toLowerCase() === 'file';
    if (!rest.startsWith('//') && !(fileScheme && rest.startsWith('/')))
      return {
        message: `"${path}" is not an absolute savepoint path`,
        hint: `Write ${scheme}://… (file:/… or file:///… for a file system path), ${example}.`,
      };
    const authority = uriAuthority(path) ?? '';
    if (hasCredentials(path))
      return {
        message: `"${redactedUri(path)}" holds credentials (user:password@) in the path`,
        hint:
          'Name the savepoint without credentials: Flink reads it with its own file system configuration ' +
          '(docs/object-storage.md); a path is kept in the record and the Temporal history.',
      };
    // Flink refuses file://localhost/… too (measured with Flink 2.3's Path and savepoint restore), which the checks
    // before took; one registered then is still read by the worker as /… (localSavepointPath).
    const host = fileUriHost(path);
    if (host !== undefined && (host !== 'localhost' || (options.specChecks3 ?? true))) return fileHostProblem(path);
    if (!fileScheme && rest.slice(2 + authority.length).replace(/^\/+/, '') === '')
      return { message: `"${path}" names no savepoint directory`, hint: `Give the savepoint directory, ${example}.` };
  }
  const segments = (localSavepointPath(path) ?? path).split('/');
  if (segments.some((s) => s === '..' || s === '.'))
    return {
      message: `"${path}" has a "." or ".." segment`,
      hint: 'Give the savepoint directory as Flink reported it (no relative segments).',
    };
  if ((localSavepointPath(path) ?? '') === '/')
    return {
      message: `"${path}" is the root directory, not a savepoint`,
      hint: `Give the savepoint directory, ${example}.`,
    };
  return undefined;
}

/**
 * The file system path of a savepoint on a file system (`file:/x`, `file:///x`, `file://localhost/x`, `/x`),
 * without trailing slashes; undefined for any other scheme (s3://, hdfs://…).
 */
export function localSavepointPath(path: string): string | undefined {
  let local: string;
  if (path.startsWith('/')) local = path;
  else if (/^file:/i.test(path)) local = path.slice('file:'.length).replace(/^\/\/(localhost)?(?=\/)/i, '');
  else return undefined;
  local = local.replace(/\/{2,}/g, '/');
  return local.length > 1 ? local.replace(/\/+$/, '') : local;
}

/** A key under which two paths of the same savepoint are equal. */
export function savepointPathKey(path: string): string {
  const local = localSavepointPath(path);
  return local !== undefined ? `file:${local}` : path.replace(/\/+$/, '');
}
