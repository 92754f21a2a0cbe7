/**
 * A session job's jar, fetched by the worker (`file://`, `http(s)://`, `s3://` signed with AWS
 * Signature V4) into a local file while its SHA-256 is computed, bounded by the `sessionJob.maxJarMiB`
 * setting, from the schemes the `sessionJob.jarSchemes` setting allows. The name the cluster knows it
 * by carries the content hash (`<sha256 first 16>-<file name>`), so one content is uploaded once per
 * cluster.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { sign } from 'aws4';
import { getGlobalDispatcher, interceptors, request } from 'undici';
import type { Env } from '../config/settings';
import type { SessionJarScheme } from '../spec/session-jar-schemes';

/** A jar that cannot be had (scheme not allowed, not found, too large): retrying gives the same answer. */
export class JarUnavailableError extends Error {
  override readonly name = 'JarUnavailableError';
}

/** A jar fetched: where it is on the worker's disk (until `discardJar`) and the name the cluster knows it by. */
export interface FetchedJar {
  file: string;
  /** `<sha256 first 16>-<file name of the URI>`. */
  name: string;
  sha256: string;
  bytes: number;
}

export interface FetchJarOptions {
  schemes: readonly SessionJarScheme[];
  maxBytes: number;
  signal?: AbortSignal;
  /** Where fetched jars are kept. @default `<tmp>/flink-deploy-jars` */
  dir?: string;
  /** Where `s3://` jars come from and how to sign in (`s3AccessOf(process.env, ...)`); unset: none. */
  s3?: S3Access;
  /** URI prefixes fetched from a mirror instead (setting `sessionJob.jarMirrors`); the first match wins. */
  mirrors?: readonly JarMirror[];
  /** How long a server may send nothing (no headers yet, or no bytes of the body) before the fetch fails. */
  stallMs?: number;
}

/**
 * A server that stops sending fails the fetch after this long (undici's default is 5 minutes, the whole of the
 * staging activity's start-to-close): the attempt fails saying so, and the next one fetches again.
 */
export const JAR_STALL_MS = 60_000;

/** Undici's timeouts of a response's headers and of its body's next bytes. */
const STALLED = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** A jar URI prefix and the mirror's prefix it is fetched from instead. */
export interface JarMirror {
  from: string;
  to: string;
}

/** Where the worker fetches `jarURI` from: the first mirror whose prefix it starts with, else itself. */
export function mirroredUri(jarURI: string, mirrors: readonly JarMirror[] = []): string {
  const mirror = mirrors.find((m) => jarURI.startsWith(m.from));
  return mirror ? `${mirror.to}${jarURI.slice(mirror.from.length)}` : jarURI;
}

/** Credentials for S3: the worker's AWS environment variables. */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Comes with temporary credentials (STS, an assumed role). */
  sessionToken?: string;
}

/** Where `s3://<bucket>/<key>` is fetched from, signed with these credentials for this region. */
export interface S3Access {
  region: string;
  /**
   * An S3-compatible server (MinIO, S3Proxy, ...), addressed path-style: `<endpoint>/<bucket>/<key>`.
   * Unset: AWS, virtual-host style: `https://<bucket>.s3.<region>.amazonaws.com/<key>`.
   */
  endpoint?: string;
  /** Unset: the environment has none, and an `s3://` jar is refused saying which variables to set. */
  credentials?: S3Credentials;
}

/**
 * The worker's S3 access: credentials and region from the variables every AWS SDK reads (only these:
 * no instance profile or web identity token), the endpoint from the setting `sessionJob.s3Endpoint`.
 */
export function s3AccessOf(env: Env, endpoint?: string): S3Access {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  const sessionToken = env.AWS_SESSION_TOKEN || undefined;
  return {
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    endpoint: endpoint || undefined,
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, sessionToken } : undefined,
  };
}

function limited(maxBytes: number, uri: string, hash: ReturnType<typeof createHash>): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > maxBytes) {
        done(new JarUnavailableError(`${uri} is larger than ${maxBytes} bytes (setting sessionJob.maxJarMiB)`));
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
}

/** RFC 3986 encoding of one path segment, the one SigV4 signs (encodeURIComponent leaves !'()* alone). */
const encodeSegment = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The object's HTTPS (or the endpoint's) URL. */
function objectUrl(s3: S3Access, bucket: string, key: string): URL {
  const path = key.split('/').map(encodeSegment).join('/');
  if (!s3.endpoint) return new URL(`https://${bucket}.s3.${s3.region}.amazonaws.com/${path}`);
  const endpoint = new URL(s3.endpoint);
  return new URL(`${endpoint.origin}${endpoint.pathname.replace(/\/+$/, '')}/${bucket}/${path}`);
}

/** A GET of the object signed with AWS Signature V4; a no (missing, denied, wrong region) is a JarUnavailableError. */
async function openS3(uri: URL, options: Opening): Promise<Readable> {
  const bucket = uri.hostname;
  let key = '';
  try {
    key = decodeURIComponent(uri.pathname.replace(/^\//, ''));
  } catch {
    // A % not followed by two hex digits: the key is named below as unreadable.
  }
  if (!bucket || !key) throw new JarUnavailableError(`${uri.href}: expected s3://<bucket>/<key> (a key %-encoded)`);
  const s3 = options.s3;
  if (!s3?.credentials)
    throw new JarUnavailableError(
      `${uri.href}: the worker has no S3 credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ` +
        `(and AWS_SESSION_TOKEN for temporary ones, AWS_REGION for the bucket's region) in its environment`,
    );
  const url = objectUrl(s3, bucket, key);
  const signed = sign(
    { host: url.host, path: url.pathname, method: 'GET', service: 's3', region: s3.region },
    s3.credentials,
  );
  const headers = Object.fromEntries(
    Object.entries(signed.headers ?? {}).map(([name, value]) => [name, String(value)]),
  );
  // No redirects followed: the signature is for this host, and S3 redirects only to say "another region".
  const res = await request(url, { method: 'GET', headers, ...timeouts(options) });
  if (res.statusCode < 300) return res.body;
  const text = (await res.body.text()).slice(0, 4096);
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const region = res.headers['x-amz-bucket-region'];
  const what = `s3://${bucket}/${key}: ${url.origin} answered ${res.statusCode}${code ? ` ${code}` : ''}`;
  // 5xx, 503 SlowDown, a temporary redirect: could not fetch, try again.
  if (![301, 400, 403, 404].includes(res.statusCode)) throw new Error(what);
  if (typeof region === 'string' && region !== s3.region)
    throw new JarUnavailableError(`${what}: the bucket is in ${region}; set AWS_REGION=${region} on the worker`);
  if (res.statusCode === 403)
    throw new JarUnavailableError(
      `${what}: check the worker's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and that they may read it`,
    );
  if (res.statusCode === 404) throw new JarUnavailableError(`${what}: no such object (or bucket)`);
  throw new JarUnavailableError(what);
}

/** The options a fetch opens its source with: the stall bound decided (fetchJar's). */
type Opening = FetchJarOptions & { stallMs: number };

/** The request's signal and its stall bound. */
function timeouts(options: Opening) {
  const { stallMs, signal } = options;
  return { headersTimeout: stallMs, bodyTimeout: stallMs, ...(signal ? { signal } : {}) };
}

async function open(uri: URL, options: Opening): Promise<Readable> {
  if (uri.protocol === 'file:') {
    const file = fileURLToPath(uri);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw new JarUnavailableError(`${uri.href}: no such file on the worker`);
    return createReadStream(file);
  }
  if (uri.protocol === 's3:') return openS3(uri, options);
  const dispatcher = getGlobalDispatcher().compose(interceptors.redirect({ maxRedirections: 5 }));
  const res = await request(uri, { method: 'GET', dispatcher, ...timeouts(options) });
  if (res.statusCode === 404 || res.statusCode === 403 || res.statusCode === 401 || res.statusCode === 410) {
    await res.body.dump();
    throw new JarUnavailableError(`${uri.href}: the server answered ${res.statusCode}`);
  }
  if (res.statusCode >= 300) {
    await res.body.dump();
    // 5xx and the like: could not fetch, try again.
    throw new Error(`${uri.href}: the server answered ${res.statusCode}`);
  }
  return res.body;
}

/** Fetches `jarURI` to the worker's disk (a fetched content is reused); throws JarUnavailableError for a no. */
export async function fetchJar(jarURI: string, options: FetchJarOptions): Promise<FetchedJar> {
  let uri: URL;
  try {
    uri = new URL(jarURI);
  } catch {
    throw new JarUnavailableError(`"${jarURI}" is not a URI`);
  }
  const scheme = uri.protocol.replace(/:$/, '');
  if (!(options.schemes as readonly string[]).includes(scheme))
    throw new JarUnavailableError(
      `jar URI scheme "${scheme}" is not allowed on this worker (setting sessionJob.jarSchemes: ` +
        `${options.schemes.join(', ')})`,
    );
  // The mirror is the worker's own choice (its setting): its scheme is not the manifest's to allow.
  const from = mirroredUri(jarURI, options.mirrors);
  const source = from === jarURI ? uri : new URL(from);
  const stallMs = options.stallMs ?? JAR_STALL_MS;
  const dir = options.dir ?? path.join(os.tmpdir(), 'flink-deploy-jars');
  await mkdir(dir, { recursive: true });
  const work = await mkdtemp(path.join(dir, 'fetch-'));
  try {
    const hash = createHash('sha256');
    const partial = path.join(work, 'jar');
    await pipeline(
      await open(source, { ...options, stallMs }),
      limited(options.maxBytes, jarURI, hash),
      createWriteStream(partial),
    );
    const sha256 = hash.digest('hex');
    const base = path.posix.basename(uri.pathname).replace(/[^A-Za-z0-9._-]/g, '_');
    const name = `${sha256.slice(0, 16)}-${base}`;
    // A folder of its own per fetch: two fetches of one content never share (or delete) a file.
    const file = path.join(work, name);
    await rename(partial, file);
    return { file, name, sha256, bytes: (await stat(file)).size };
  } catch (err) {
    await rm(work, { recursive: true, force: true });
    if (STALLED.has((err as { code?: string }).code ?? '')) {
      // Not a JarUnavailableError: a server that stalls may answer the next attempt.
      throw new Error(
        `${source.href}: the server sent nothing for ${stallMs / 1000}s (fetched again on the next attempt)`,
      );
    }
    throw err;
  }
}

/** Removes a fetched jar from the worker's disk (once uploaded, or found on the cluster). */
export async function discardJar(jar: FetchedJar): Promise<void> {
  await rm(path.dirname(jar.file), { recursive: true, force: true });
}
