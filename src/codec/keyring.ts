/**
 * The payload keys (AES-256, 32 bytes each, base64), read once from a key file or a mounted
 * Secret directory. Every key decrypts (a payload names the key id it was encrypted with); the
 * newest encrypts:
 *
 * - a file: one key per line, `<key id>=<base64 key>` (`#` comments and blank lines skipped);
 *   the LAST line is the newest (rotate by appending a line);
 * - a directory (a Kubernetes Secret mounted as a volume): each file is one key, its name the key
 *   id, its content the base64 key (dot files such as `..data` skipped); the greatest id in
 *   sort order is the newest (name keys by date: `2026-12-01`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The loaded keys. */
export interface Keyring {
  /** Where they were read (for messages). */
  source: string;
  /** Key id → 32-byte key. */
  keys: ReadonlyMap<string, Buffer>;
  /** The id of the key that encrypts. */
  current: string;
}

/** Bytes of an AES-256 key. */
export const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** A key file or directory that cannot be used; the message names it and says what to do. */
export class KeyringError extends Error {
  override readonly name = 'KeyringError';
}

function parseKey(id: string, text: string, where: string): Buffer {
  if (!KEY_ID.test(id))
    throw new KeyringError(`${where}: key id "${id}" must be 1-64 letters, digits, '.', '_' or '-'`);
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== text.trim())
    throw new KeyringError(
      `${where}: key "${id}" is not ${KEY_BYTES} bytes of base64 (make one with: openssl rand -base64 32)`,
    );
  return key;
}

function fromFile(file: string, text: string): Array<[string, Buffer]> {
  return text.split('\n').flatMap((raw, i): Array<[string, Buffer]> => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return [];
    const eq = line.indexOf('=');
    if (eq <= 0) throw new KeyringError(`${file} line ${i + 1}: expected <key id>=<base64 key>`);
    return [[line.slice(0, eq), parseKey(line.slice(0, eq), line.slice(eq + 1), `${file} line ${i + 1}`)]];
  });
}

function fromDirectory(dir: string): Array<[string, Buffer]> {
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.') && statSync(path.join(dir, name)).isFile())
    .sort()
    .map((name) => [name, parseKey(name, readFileSync(path.join(dir, name), 'utf8'), path.join(dir, name))]);
}

/** Read the keys at `source` (a file or a directory); throws {@link KeyringError} naming what is wrong. */
export function loadKeyring(source: string): Keyring {
  let entries: Array<[string, Buffer]>;
  try {
    entries = statSync(source).isDirectory() ? fromDirectory(source) : fromFile(source, readFileSync(source, 'utf8'));
  } catch (err) {
    if (err instanceof KeyringError) throw err;
    throw new KeyringError(`cannot read ${source}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (entries.length === 0) throw new KeyringError(`${source} holds no key: expected <key id>=<base64 key> lines`);
  const keys = new Map<string, Buffer>();
  for (const [id, key] of entries) {
    if (keys.has(id)) throw new KeyringError(`${source}: key id "${id}" appears twice`);
    keys.set(id, key);
  }
  return { source, keys, current: entries.at(-1)![0] };
}
