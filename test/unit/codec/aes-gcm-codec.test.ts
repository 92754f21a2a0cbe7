/**
 * The payload codec: a round trip through Temporal's data converter, rotation (old payloads still
 * decrypt, the newest key encrypts), a wrong or missing key and tampered payloads refused by name.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { AesGcmCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, loadKeyring, KeyringError } from '../../../src/codec';

const dir = mkdtempSync(path.join(os.tmpdir(), 'codec-test-'));
let files = 0;
/** A key file with these `id=key` lines. */
function keyFile(lines: string[]): string {
  const file = path.join(dir, `keys-${++files}`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}
const newKey = () => randomBytes(32).toString('base64');
const spec = { name: 'counter', flinkConfiguration: { 's3.secret-key': 'hunter2-very-secret' } };
const asText = (p: Payload) => Buffer.from(p.data ?? []).toString('latin1');
const meta = (p: Payload, key: string) => Buffer.from(p.metadata?.[key] ?? []).toString();

test('round trip: the encrypted payload names its key and holds no plain text; decoding gives it back', async () => {
  const codec = new AesGcmCodec(loadKeyring(keyFile([`k1=${newKey()}`])));
  const plain = defaultPayloadConverter.toPayload(spec);

  const [sealed] = await codec.encode([plain]);

  expect(meta(sealed!, 'encoding')).toBe(ENCRYPTED_ENCODING);
  expect(meta(sealed!, KEY_ID_METADATA)).toBe('k1');
  expect(asText(sealed!)).not.toContain('hunter2');
  expect(asText(sealed!)).not.toContain('counter');
  const [opened] = await codec.decode([sealed!]);
  expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(spec);
  // The same payload twice gives two different ciphertexts (a fresh IV each time).
  const [again] = await codec.encode([plain]);
  expect(Buffer.from(again!.data!).equals(Buffer.from(sealed!.data!))).toBe(false);
});

test('rotation: a key appended encrypts from then on; payloads of the old key still decrypt', async () => {
  const [k1, k2] = [newKey(), newKey()];
  const before = new AesGcmCodec(loadKeyring(keyFile([`k1=${k1}`])));
  const [old] = await before.encode([defaultPayloadConverter.toPayload(spec)]);

  const after = new AesGcmCodec(loadKeyring(keyFile([`k1=${k1}`, `k2=${k2}`])));
  const [fresh] = await after.encode([defaultPayloadConverter.toPayload(spec)]);

  expect(meta(fresh!, KEY_ID_METADATA)).toBe('k2');
  const decoded = await after.decode([old!, fresh!]);
  expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([spec, spec]);
  // A process that has only the new key cannot read the old payload: it says which key is missing.
  const onlyNew = new AesGcmCodec(loadKeyring(keyFile([`k2=${k2}`])));
  await expect(onlyNew.decode([old!])).rejects.toThrow(/encrypted with key "k1", which .* does not hold: add that key/);
});

test('a different key under the same id fails authentication, never decrypts to garbage', async () => {
  const [sealed] = await new AesGcmCodec(loadKeyring(keyFile([`k1=${newKey()}`]))).encode([
    defaultPayloadConverter.toPayload(spec),
  ]);
  const wrong = new AesGcmCodec(loadKeyring(keyFile([`k1=${newKey()}`])));
  await expect(wrong.decode([sealed!])).rejects.toThrow(/key "k1" failed authentication/);
});

test('tampered payloads are refused: a flipped byte, a relabelled key id, a truncated payload', async () => {
  const ring = loadKeyring(keyFile([`a=${newKey()}`, `b=${newKey()}`]));
  const codec = new AesGcmCodec(ring);
  const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(spec)]);
  const flipped = Buffer.from(sealed!.data!);
  flipped[20] = flipped[20]! ^ 1;
  await expect(codec.decode([{ ...sealed!, data: flipped }])).rejects.toThrow(/failed authentication/);
  const relabelled = { ...sealed!, metadata: { ...sealed!.metadata, [KEY_ID_METADATA]: Buffer.from('a') } };
  await expect(codec.decode([relabelled])).rejects.toThrow(/failed authentication/);
  await expect(codec.decode([{ ...sealed!, data: flipped.subarray(0, 10) }])).rejects.toThrow(/truncated/);
});

test('payloads written before encryption was on pass through decode unchanged', async () => {
  const codec = new AesGcmCodec(loadKeyring(keyFile([`k1=${newKey()}`])));
  const plain = defaultPayloadConverter.toPayload(spec);
  expect(await codec.decode([plain])).toEqual([plain]);
});

test('a mounted Secret directory: one file per key, dot entries skipped, the greatest id encrypts', async () => {
  const secret = path.join(dir, 'secret');
  mkdirSync(path.join(secret, '..2026_12_01'), { recursive: true });
  writeFileSync(path.join(secret, '2026-01-01'), newKey());
  writeFileSync(path.join(secret, '2026-12-01'), `${newKey()}\n`);
  writeFileSync(path.join(secret, '..data'), 'not a key');
  const ring = loadKeyring(secret);
  expect([...ring.keys.keys()]).toEqual(['2026-01-01', '2026-12-01']);
  expect(ring.current).toBe('2026-12-01');
});

test.each([
  ['a missing file', () => path.join(dir, 'nope'), /cannot read .*nope: ENOENT/],
  ['an empty file', () => keyFile(['# no keys yet']), /holds no key/],
  ['a line without =', () => keyFile(['k1']), /line 1: expected <key id>=<base64 key>/],
  ['a short key', () => keyFile([`k1=${randomBytes(16).toString('base64')}`]), /key "k1" is not 32 bytes of base64/],
  ['text that is not base64', () => keyFile(['k1=not base64 at all, surely']), /key "k1" is not 32 bytes/],
  ['an id used twice', () => keyFile([`k1=${newKey()}`, `k1=${newKey()}`]), /key id "k1" appears twice/],
])('a key file with %s is refused, naming it', (_what, make, message) => {
  const file = make();
  expect(() => loadKeyring(file)).toThrow(KeyringError);
  expect(() => loadKeyring(file)).toThrow(message);
});
