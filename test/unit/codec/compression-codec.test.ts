/**
 * Compression of large payloads: a thousand-application fleet input, over Temporal's 2 MB limit as
 * JSON, is stored far below it and comes back equal; small payloads stay plain JSON; payloads written
 * without the codec read as before; with payload keys, compression comes before encryption.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import {
  chainedCodecOf,
  COMPRESSED_ENCODING,
  CompressionCodec,
  ENCRYPTED_ENCODING,
  loadKeyring,
  payloadCodecsOf,
} from '../../../src/codec';
import { loadAppSpec } from '../../../src/spec';
import { counterManifest } from '../../../scripts/lib/counter-app';

const temporalLimitBytes = 2 * 1024 * 1024;
const encoding = (p: Payload) => Buffer.from(p.metadata?.encoding ?? []).toString();

const template = loadAppSpec(counterManifest({ app: 'template', namespace: 'fleet', dir: '/data/template' }));

/** The input of a fleet rollout of `n` counter applications, as the CLI builds it. */
function fleetInput(n: number): unknown {
  const apps = Array.from({ length: n }, (_, i) => {
    const spec = { ...template, name: `app-${i}`, job: { ...template.job, args: ['--output', `/data/app-${i}/out`] } };
    return { spec, operation: 'upgrade', unchanged: false, previousSpec: { ...spec, image: 'flink:2.2' } };
  });
  return { rolloutId: 'r1', apps, canaries: [], concurrency: 50, rollbackOnFailure: false };
}

test('a 1000-application fleet input, over the 2 MB limit as JSON, is stored deflated far below it', async () => {
  const input = fleetInput(1000);
  const plain = defaultPayloadConverter.toPayload(input);
  expect(plain.data!.length).toBeGreaterThan(temporalLimitBytes);

  const codec = new CompressionCodec();
  const [stored] = await codec.encode([plain]);
  expect(encoding(stored!)).toBe(COMPRESSED_ENCODING);
  expect(stored!.data!.length).toBeLessThan(temporalLimitBytes / 10);

  const [back] = await codec.decode([stored!]);
  expect(defaultPayloadConverter.fromPayload(back!)).toEqual(input);
});

test('small payloads, and payloads written without the codec, pass through unchanged', async () => {
  const codec = new CompressionCodec();
  const small = defaultPayloadConverter.toPayload(fleetInput(3));
  expect(await codec.encode([small])).toEqual([small]);
  expect(await codec.decode([small])).toEqual([small]);
  expect(encoding(small)).toBe('json/plain');
});

test("with payload keys: compressed, then encrypted; the codec server's chained codec reads it back", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'compression-test-'));
  const file = path.join(dir, 'keys');
  writeFileSync(file, `k1=${randomBytes(32).toString('base64')}\n`);
  const keyring = loadKeyring(file);
  const codecs = payloadCodecsOf(keyring);
  expect(codecs.map((c) => c.constructor.name)).toEqual(['CompressionCodec', 'AesGcmCodec']);

  const input = fleetInput(1000);
  let stored = [defaultPayloadConverter.toPayload(input)];
  for (const codec of codecs) stored = await codec.encode(stored);
  expect(encoding(stored[0]!)).toBe(ENCRYPTED_ENCODING);
  // Encrypting the deflated payload keeps it small (encrypted first, it would not compress).
  expect(stored[0]!.data!.length).toBeLessThan(temporalLimitBytes / 10);

  const [back] = await chainedCodecOf(keyring).decode(stored);
  expect(defaultPayloadConverter.fromPayload(back!)).toEqual(input);
});
