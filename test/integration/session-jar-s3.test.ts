/**
 * fetchJar against the local stack's S3-compatible server (S3Proxy): an object put through the S3 API is
 * fetched by s3:// URI, path-style from the endpoint, signed with the stack's credentials, and its bytes
 * hash to what was put; a missing key and a wrong secret are JarUnavailableErrors naming the status.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fetchJar, JarUnavailableError, type FetchJarOptions } from '../../src/activities/session-jar';
import { deleteObject, putObject, s3Settings } from '../support/s3';

const s3 = s3Settings();
const prefix = `session-jar-s3/${randomBytes(6).toString('hex')}`;
// A space and a + in the key: the path the worker signs is the path it sends, as S3 reads it.
const key = `${prefix}/team a+b/orders-1.0.jar`;
const uri = `s3://${s3.bucket}/${prefix}/team%20a+b/orders-1.0.jar`;
// Random bytes, a few chunks long: the hash covers every chunk of the stream, not just the first.
const content = randomBytes(3 * 1024 * 1024 + 17);
const sha = createHash('sha256').update(content).digest('hex');
const options = (secretAccessKey = s3.secretKey): FetchJarOptions => ({
  schemes: ['s3'],
  maxBytes: 16 * 1024 * 1024,
  dir: mkdtempSync(path.join(tmpdir(), 'fd-jar-s3-')),
  s3: {
    region: s3.region,
    endpoint: s3.endpoint,
    credentials: { accessKeyId: s3.accessKey, secretAccessKey },
  },
});

beforeAll(() => putObject(key, content, s3));
afterAll(() => deleteObject(key, s3));

test('s3://<bucket>/<key> from S3Proxy: the bytes put, named by their SHA-256', async () => {
  const jar = await fetchJar(uri, options());
  expect(jar).toMatchObject({ name: `${sha.slice(0, 16)}-orders-1.0.jar`, sha256: sha, bytes: content.length });
  expect(createHash('sha256').update(readFileSync(jar.file)).digest('hex')).toBe(sha);
});

test('a missing key and a wrong secret: JarUnavailableErrors naming the object and the status', async () => {
  const missing = fetchJar(`s3://${s3.bucket}/session-jar-s3/nothing-here.jar`, options());
  await expect(missing).rejects.toThrow(JarUnavailableError);
  await expect(missing).rejects.toThrow(
    `s3://${s3.bucket}/session-jar-s3/nothing-here.jar: ${s3.endpoint} answered 404`,
  );
  const denied = fetchJar(uri, options('not-the-secret'));
  await expect(denied).rejects.toThrow(JarUnavailableError);
  await expect(denied).rejects.toThrow(`s3://${s3.bucket}/${key}: ${s3.endpoint} answered 403`);
});
