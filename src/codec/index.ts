/** The payload codec and its keys (docs/security.md). */
import type { DataConverter } from '@temporalio/common';
import { AesGcmCodec } from './aes-gcm-codec';
import type { Keyring } from './keyring';

export { AesGcmCodec, PayloadDecryptError, ENCRYPTED_ENCODING, KEY_ID_METADATA } from './aes-gcm-codec';
export { loadKeyring, KeyringError, KEY_BYTES, type Keyring } from './keyring';

/**
 * The data converter of the CLI's client and the worker: encrypting when payload keys are set,
 * Temporal's default otherwise.
 */
export function dataConverterOf(keyring: Keyring | undefined): DataConverter {
  return keyring ? { payloadCodecs: [new AesGcmCodec(keyring)] } : {};
}
