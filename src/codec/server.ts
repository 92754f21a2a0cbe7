/**
 * The codec server of the Temporal Web UI (and `temporal --codec-endpoint`): POST `…/decode` and
 * `…/encode` take `{payloads: [...]}` (Temporal's JSON: base64 `metadata` values and `data`)
 * and answer the same shape, through the payload codec. CORS for the UI's origin(s); with a
 * token, only requests carrying `Authorization: Bearer <token>` are answered (the UI sends the
 * user's access token when "pass access token" is on). `GET /healthz` answers 200.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Origins allowed to call from a browser, e.g. `http://127.0.0.1:8233`. */
  origins: readonly string[];
  /** When set, the bearer token every encode/decode request must carry. */
  token?: string;
}

/** Largest request body: Temporal's payloads are at most 2 MB each; a page of them fits. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function fromJson(p: JsonPayload): Payload {
  if (typeof p !== 'object' || p === null) throw new HttpError(400, 'each payload must be an object');
  const metadata = Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(String(v), 'base64'))]),
  );
  return { metadata, data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')) };
}

function toJson(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function authorised(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const given = Buffer.from(req.headers.authorization ?? '');
  const wanted = Buffer.from(`Bearer ${token}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** The server (not listening yet: call `listen`). */
export function createCodecServer(options: CodecServerOptions): Server {
  const send = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, body === undefined ? {} : { 'Content-Type': 'application/json' });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  return createServer((req, res) => {
    const origin = req.headers.origin;
    if (origin && options.origins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    }
    res.setHeader('Vary', 'Origin');
    const path = (req.url ?? '/').split('?')[0]!;
    const op = path.endsWith('/decode') ? 'decode' : path.endsWith('/encode') ? 'encode' : undefined;
    if (req.method === 'OPTIONS') return send(res, 204);
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, { ok: true });
    if (req.method !== 'POST' || !op)
      return send(res, 404, { error: 'expected POST /decode or POST /encode, or GET /healthz' });
    if (!authorised(req, options.token)) return send(res, 401, { error: 'expected Authorization: Bearer <token>' });
    void (async () => {
      try {
        let body: { payloads?: unknown };
        try {
          body = JSON.parse(await readBody(req)) as { payloads?: unknown };
        } catch (err) {
          if (err instanceof HttpError) throw err;
          throw new HttpError(400, `the body is not JSON: ${(err as Error).message}`);
        }
        if (!Array.isArray(body?.payloads)) throw new HttpError(400, 'expected {"payloads": [...]}');
        const payloads = (body.payloads as JsonPayload[]).map(fromJson);
        const done = await (op === 'decode' ? options.codec.decode(payloads) : options.codec.encode(payloads));
        send(res, 200, { payloads: done.map(toJson) });
      } catch (err) {
        send(res, err instanceof HttpError ? err.status : 422, { error: (err as Error).message });
      }
    })();
  });
}
