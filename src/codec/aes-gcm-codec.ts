/**
 * The payload codec: every payload Temporal stores (workflow and activity inputs and results,
 * query and update answers, memo, failure details) is encrypted with AES-256-GCM before it
 * leaves the CLI or the worker, and decrypted when it comes back. The encrypted payload says
 * which key it was encrypted with (`encryption-key-id`), so a rotated-out key still decrypts.
 * Payloads without our encoding (written before encryption was on) pass through unchanged.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { Keyring } from './keyring';

/** `metadata.encoding` of an encrypted payload. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata key naming the key id. */
export const KEY_ID_METADATA = 'encryption-key-id';
/** Metadata key naming the cipher. */
export const CIPHER_METADATA = 'encryption-cipher';
const CIPHER = 'AES-256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

/** A payload that cannot be decrypted: which key, and what to do. */
export class PayloadDecryptError extends Error {
  override readonly name = 'PayloadDecryptError';
}

export class AesGcmCodec implements PayloadCodec {
  constructor(private readonly keyring: Keyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const id = this.keyring.current;
    const key = this.keyring.keys.get(id)!;
    return payloads.map((payload) => {
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      // The key id is authenticated too: a payload relabelled with another id fails, never misreads.
      cipher.setAAD(Buffer.from(id));
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          encoding: Buffer.from(ENCRYPTED_ENCODING),
          [KEY_ID_METADATA]: Buffer.from(id),
          [CIPHER_METADATA]: Buffer.from(CIPHER),
        },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
      const id = text(payload.metadata?.[KEY_ID_METADATA]) ?? '';
      const key = this.keyring.keys.get(id);
      if (!key)
        throw new PayloadDecryptError(
          `payload encrypted with key "${id}", which ${this.keyring.source} does not hold: add that key ` +
            `(keys: ${[...this.keyring.keys.keys()].join(', ')})`,
        );
      const sealed = Buffer.from(payload.data ?? new Uint8Array());
      if (sealed.length < IV_BYTES + TAG_BYTES)
        throw new PayloadDecryptError(`payload encrypted with key "${id}" is truncated (${sealed.length} bytes)`);
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(id));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([
          decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
          decipher.final(),
        ]);
      } catch {
        throw new PayloadDecryptError(
          `payload encrypted with key "${id}" failed authentication: it was altered, or ${this.keyring.source} ` +
            `holds a different key under that id`,
        );
      }
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
