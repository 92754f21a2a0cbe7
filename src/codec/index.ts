/** The payload codec and its keys (docs/security.md). */
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { AesGcmCodec } from './aes-gcm-codec';
import { CompressionCodec } from './compression-codec';
import type { Keyring } from './keyring';

export { AesGcmCodec, PayloadDecryptError, ENCRYPTED_ENCODING, KEY_ID_METADATA } from './aes-gcm-codec';
export { CompressionCodec, COMPRESSED_ENCODING, COMPRESSION_THRESHOLD_BYTES } from './compression-codec';
export { loadKeyring, KeyringError, KEY_BYTES, type Keyring } from './keyring';

/**
 * The payload codecs of the CLI's client and the worker, in encoding order: large payloads
 * compressed (always), then everything encrypted when payload keys are set.
 */
export function payloadCodecsOf(keyring: Keyring | undefined): PayloadCodec[] {
  return [new CompressionCodec(), ...(keyring ? [new AesGcmCodec(keyring)] : [])];
}

/** The data converter of the CLI's client and the worker (see {@link payloadCodecsOf}). */
export function dataConverterOf(keyring: Keyring | undefined): DataConverter {
  return { payloadCodecs: payloadCodecsOf(keyring) };
}

/** The codecs as one, for the codec server: encodes in order, decodes in reverse, as Temporal's SDK does. */
export function chainedCodecOf(keyring: Keyring | undefined): PayloadCodec {
  const codecs = payloadCodecsOf(keyring);
  return {
    async encode(payloads: Payload[]): Promise<Payload[]> {
      for (const codec of codecs) payloads = await codec.encode(payloads);
      return payloads;
    },
    async decode(payloads: Payload[]): Promise<Payload[]> {
      for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
      return payloads;
    },
  };
}
