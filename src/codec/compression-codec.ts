/**
 * Compression of large payloads: a payload over `thresholdBytes` (the input of a fleet rollout of
 * hundreds of applications, each with its spec and previous spec) is stored deflated. Temporal
 * refuses payloads over 2 MB, and a thousand applications' specs are about 3.5 MB of JSON that
 * deflate to a few dozen KB because the specs of a fleet are alike. Smaller payloads, nearly all of
 * them, stay plain JSON, readable in the Web UI without a codec server. Payloads without our
 * encoding pass through unchanged, so histories written before are read as they were.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

/** `metadata.encoding` of a compressed payload. */
export const COMPRESSED_ENCODING = 'binary/zlib';

/** Payloads larger than this are compressed: a quarter of Temporal's 2 MB limit, and below its 512 KB warning. */
export const COMPRESSION_THRESHOLD_BYTES = 256 * 1024;

export class CompressionCodec implements PayloadCodec {
  constructor(private readonly thresholdBytes: number = COMPRESSION_THRESHOLD_BYTES) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if ((payload.data?.length ?? 0) <= this.thresholdBytes) return payload;
      const whole = temporal.api.common.v1.Payload.encode(payload).finish();
      return { metadata: { encoding: Buffer.from(COMPRESSED_ENCODING) }, data: deflateRawSync(whole) };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.encoding;
      if (!encoding || Buffer.from(encoding).toString('utf8') !== COMPRESSED_ENCODING) return payload;
      const whole = inflateRawSync(payload.data ?? new Uint8Array());
      return temporal.api.common.v1.Payload.decode(whole) as Payload;
    });
  }
}
