/**
 * The local stack's S3-compatible server (S3Proxy, scripts/stack/s3proxy.sh): its endpoint and
 * the credentials the stack generated, and helpers that list, put and delete a bucket's objects
 * straight through the S3 API (AWS Signature V4, node:crypto), so a test sees what is really
 * stored, not what our record says.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stack } from './stack';

/** Where the stack's S3 server is and how to sign in (the stack's `s3/s3.env`). */
export interface S3Settings {
  endpoint: string;
  region: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
}

/** The file scripts/stack/s3proxy.sh writes. */
export const s3EnvFile = path.join(stack.dir, 's3', 's3.env');

/** Reads the stack's S3 settings; fails naming the file and what to run when it is missing. */
export function s3Settings(): S3Settings {
  let text: string;
  try {
    text = readFileSync(s3EnvFile, 'utf8');
  } catch {
    throw new Error(`no S3 settings at ${s3EnvFile}: start the stack with scripts/stack/up.sh (it starts S3Proxy)`);
  }
  const vars = new Map(
    text
      .split('\n')
      .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!, m[2]!]),
  );
  const get = (name: string): string => {
    const value = vars.get(name);
    if (!value) throw new Error(`${s3EnvFile} has no ${name}: re-run scripts/stack/s3proxy.sh up`);
    return value;
  };
  return {
    endpoint: get('S3_ENDPOINT'),
    region: get('S3_REGION'),
    bucket: get('S3_BUCKET'),
    accessKey: get('S3_ACCESS_KEY'),
    secretKey: get('S3_SECRET_KEY'),
  };
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
/** RFC 3986 encoding, as SigV4 wants it in the canonical query string. */
const uriEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * A request on the bucket (`key` unset) or one of its objects, signed with AWS Signature V4; returns the
 * response body, fails naming the request and the answer.
 */
async function signedRequest(
  s3: S3Settings,
  method: 'GET' | 'PUT' | 'DELETE',
  options: { key?: string; query?: Record<string, string>; body?: Buffer } = {},
): Promise<string> {
  const { query = {}, body = Buffer.alloc(0) } = options;
  const objectPath = options.key === undefined ? '' : `/${options.key.split('/').map(uriEncode).join('/')}`;
  const url = new URL(`${s3.endpoint}/${s3.bucket}${objectPath}`);
  const amzDate = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const payloadHash = sha256(body);
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((k) => `${uriEncode(k)}=${uriEncode(query[k]!)}`)
    .join('&');
  const headers = { host: url.host, 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate };
  const signedHeaders = Object.keys(headers).join(';');
  const canonicalRequest = [
    method,
    url.pathname,
    canonicalQuery,
    ...Object.entries(headers).map(([k, v]) => `${k}:${v}`),
    '',
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${s3.region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${s3.secretKey}`, day), s3.region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  const authorization =
    `AWS4-HMAC-SHA256 Credential=${s3.accessKey}/${scope}, ` + `SignedHeaders=${signedHeaders}, Signature=${signature}`;
  const res = await fetch(`${url.toString()}${canonicalQuery ? `?${canonicalQuery}` : ''}`, {
    method,
    headers: { ...headers, authorization },
    ...(method === 'PUT' ? { body } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok)
    throw new Error(`S3 ${method} ${url.pathname}?${canonicalQuery}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  return text;
}

/** Stores `body` as the object `key` in the stack's bucket (PutObject). */
export async function putObject(key: string, body: Buffer, s3: S3Settings = s3Settings()): Promise<void> {
  await signedRequest(s3, 'PUT', { key, body });
}

/** Deletes the object `key` from the stack's bucket (DeleteObject; a missing one is no error). */
export async function deleteObject(key: string, s3: S3Settings = s3Settings()): Promise<void> {
  await signedRequest(s3, 'DELETE', { key });
}

/** The keys of every object under `prefix` in the stack's bucket (ListObjectsV2, all pages). */
export async function listObjectKeys(prefix: string, s3: S3Settings = s3Settings()): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const body = await signedRequest(s3, 'GET', {
      query: { 'list-type': '2', prefix, ...(token !== undefined ? { 'continuation-token': token } : {}) },
    });
    for (const m of body.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(decodeXml(m[1]!));
    token = /<IsTruncated>true<\/IsTruncated>/.test(body)
      ? decodeXml(/<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(body)?.[1] ?? '')
      : undefined;
  } while (token);
  return keys.sort();
}

/** `s3://bucket/a/b` → `a/b` (the object key prefix in that bucket); fails for another bucket or scheme. */
export function keyPrefixOf(uri: string, s3: S3Settings = s3Settings()): string {
  const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (!m || m[1] !== s3.bucket) throw new Error(`${uri} is not in the stack's bucket s3://${s3.bucket}/`);
  return m[2]!;
}

function decodeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
