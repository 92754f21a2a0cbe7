/**
 * A session job's jar, fetched by the worker (`file://`, `http(s)://`) into a local file while its
 * SHA-256 is computed, bounded by the `sessionJob.maxJarMiB` setting, from the schemes the
 * `sessionJob.jarSchemes` setting allows. The name the cluster knows it by carries the content hash
 * (`<sha256 first 16>-<file name>`), so one content is uploaded once per cluster.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { getGlobalDispatcher, interceptors, request } from 'undici';
import type { SessionJarScheme } from '../spec/session-jar-schemes';

/** A jar that cannot be had (scheme not allowed, not found, too large): retrying gives the same answer. */
export class JarUnavailableError extends Error {
  override readonly name = 'JarUnavailableError';
}

/** A jar fetched: where it is on the worker's disk and the name the cluster knows it by. */
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

async function open(uri: URL, options: FetchJarOptions): Promise<Readable> {
  if (uri.protocol === 'file:') {
    const file = fileURLToPath(uri);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw new JarUnavailableError(`${uri.href}: no such file on the worker`);
    return createReadStream(file);
  }
  const dispatcher = getGlobalDispatcher().compose(interceptors.redirect({ maxRedirections: 5 }));
  const res = await request(uri, { method: 'GET', dispatcher, ...(options.signal ? { signal: options.signal } : {}) });
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
  if (scheme === 's3')
    throw new JarUnavailableError(`${jarURI}: s3:// jars are not fetched by the worker yet; use https:// or file://`);
  const dir = options.dir ?? path.join(os.tmpdir(), 'flink-deploy-jars');
  await mkdir(dir, { recursive: true });
  const work = await mkdtemp(path.join(dir, 'fetch-'));
  try {
    const hash = createHash('sha256');
    const partial = path.join(work, 'jar');
    await pipeline(await open(uri, options), limited(options.maxBytes, jarURI, hash), createWriteStream(partial));
    const sha256 = hash.digest('hex');
    const base = path.posix.basename(uri.pathname).replace(/[^A-Za-z0-9._-]/g, '_');
    const name = `${sha256.slice(0, 16)}-${base}`;
    const file = path.join(dir, name);
    await rename(partial, file);
    return { file, name, sha256, bytes: (await stat(file)).size };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
