/**
 * The text of a manifest (`-f <file>`, `-f -` for stdin), read so that no input can hang or exhaust the CLI: a
 * file is stat'ed before it is opened (a FIFO, a device or a socket is refused: reading /dev/zero or a FIFO
 * never ends), at most `maxManifestBytes` + 1 bytes are read of a file or of stdin, and the bytes are decoded
 * as strict UTF-8 (an undecodable byte is named by line and column; a U+FFFD written in the file is text).
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { maxManifestBytes, tooLargeIssue } from '../spec/yaml-documents';
import { SpecIssueCode, type SpecIssue } from '../spec/types';
import { CliError, CliErrorCode } from './errors';

/** The manifest's text, or the issue that stops it from being read as text (too large, not UTF-8). */
export type ManifestText = { ok: true; text: string } | { ok: false; issues: SpecIssue[] };

/** What a file that is not a regular one is, in words. */
function fileKind(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** `-f` names what is not a manifest file: exit 2, nothing read. */
export function notRegularFile(file: string, stats: Stats): CliError {
  return new CliError({
    code: CliErrorCode.ManifestUnreadable,
    message: `cannot read the manifest ${file}: it is ${fileKind(stats)}, not a regular file`,
    hint:
      'Pass a manifest file with -f (to read a stream, pipe it to -f -, e.g. `kustomize build | flink-deploy ' +
      'validate -f -`). Nothing was started.',
  });
}

function unreadable(file: string, err: unknown): CliError {
  return new CliError({
    code: CliErrorCode.ManifestUnreadable,
    message: `cannot read the manifest ${file}: ${(err as Error).message}`,
    hint: 'Pass the path of a FlinkDeployment YAML file with -f.',
    cause: err,
  });
}

function folderGiven(file: string): CliError {
  return new CliError({
    code: CliErrorCode.ManifestUnreadable,
    message: `cannot read the manifest ${file}: a folder`,
    hint:
      'This command takes one manifest file; for a folder of them (a fleet) run `flink-deploy apply -f ' +
      `${file} --dry-run\` to see the plan of each, or \`flink-deploy validate -f ${file}\`.`,
  });
}

/** Waits `ms` without returning to the event loop (a non-blocking stdin with nothing to read yet). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Reads `fd` to its end, or until `limit` bytes. */
function readAtMost(fd: number, limit: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < limit) {
    const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, limit - total));
    let read: number;
    try {
      read = readSync(fd, chunk, 0, chunk.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        pause(10);
        continue;
      }
      if (code === 'EOF') break; // Windows: the end of a pipe
      throw err;
    }
    if (read === 0) break;
    chunks.push(chunk.subarray(0, read));
    total += read;
  }
  return Buffer.concat(chunks, total);
}

/** Stdin's bytes, read once: plan and apply look at the manifest more than once. */
let stdinBytes: Buffer | undefined;

function readStdin(): Buffer {
  stdinBytes ??= readAtMost(0, maxManifestBytes + 1);
  return stdinBytes;
}

/** A regular file's bytes (at most the limit + 1), or the size that is over the limit. */
function readFile(file: string): Buffer | { size: number } {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (err) {
    throw unreadable(file, err);
  }
  if (stats.isDirectory()) throw folderGiven(file);
  if (!stats.isFile()) throw notRegularFile(file, stats);
  if (stats.size > maxManifestBytes) return { size: stats.size };
  let fd: number;
  try {
    // O_NONBLOCK: should the path have become a FIFO since the stat, opening it must not wait for a writer.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw unreadable(file, err);
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) throw notRegularFile(file, opened);
    return readAtMost(fd, maxManifestBytes + 1);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw unreadable(file, err);
  } finally {
    closeSync(fd);
  }
}

/** Line and column (1-based, in characters) of the first byte of `bytes` that is not UTF-8. */
function firstUndecodable(bytes: Buffer): { line: number; column: number } {
  // Decoded leniently, each undecodable sequence is a U+FFFD; the first U+FFFD whose bytes are not EF BF BD
  // (a U+FFFD written in the file) is the first undecodable byte: the text before it is valid, so its UTF-8
  // length is the byte offset.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  let index = text.indexOf('\uFFFD');
  let offset = Buffer.byteLength(text.slice(0, Math.max(index, 0)), 'utf8');
  while (index >= 0) {
    if (!(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) break;
    const next = text.indexOf('\uFFFD', index + 1);
    if (next >= 0) offset += Buffer.byteLength(text.slice(index, next), 'utf8');
    index = next;
  }
  const before = text.slice(0, Math.max(index, 0));
  return { line: before.split('\n').length, column: before.length - before.lastIndexOf('\n') };
}

/** Bytes that are not UTF-8, where the first of them is. */
function notUtf8(at: { line: number; column: number }): SpecIssue {
  return {
    code: SpecIssueCode.NotUtf8,
    path: '',
    message: `the manifest is not UTF-8 text: line ${at.line}, column ${at.column} holds bytes that are not UTF-8`,
    hint: 'Save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8 app.yaml).',
    ...at,
  };
}

/** The manifest's text; `-` reads stdin. A path that cannot be read, or is not a file: exit 2. */
export function readManifestText(file: string): ManifestText {
  const read = file === '-' ? readStdin() : readFile(file);
  if (!Buffer.isBuffer(read)) return { ok: false, issues: [tooLargeIssue(read.size)] };
  if (read.length > maxManifestBytes) return { ok: false, issues: [tooLargeIssue(maxManifestBytes, true)] };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(read) };
  } catch {
    return { ok: false, issues: [notUtf8(firstUndecodable(read))] };
  }
}
