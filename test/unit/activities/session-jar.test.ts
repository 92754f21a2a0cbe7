/**
 * fetchJar: a session job's jar fetched by the worker (file://, http:// from a loopback server, s3:// from
 * a loopback server that checks the AWS Signature V4), named by its content, bounded in size, refused for
 * a scheme the setting does not allow.
 */
import { createHash, createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getGlobalDispatcher, MockAgent, setGlobalDispatcher } from 'undici';
import {
  discardJar,
  fetchJar,
  mirroredUri,
  JarUnavailableError,
  s3AccessOf,
  type S3Access,
  type S3Credentials,
} from '../../../src/activities/session-jar';

const dir = mkdtempSync(path.join(tmpdir(), 'fd-jar-'));
const store = path.join(dir, 'store');
const content = Buffer.from('PK\u0003\u0004 not really a jar, but bytes all the same');
const sha = createHash('sha256').update(content).digest('hex');
const local = path.join(dir, 'orders-1.0.jar');
writeFileSync(local, content);

const credentials: S3Credentials = { accessKeyId: 'AKIDFLINKDEPLOY', secretAccessKey: 'not-so-secret' };
const hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * What is wrong with a request's AWS Signature V4 (undefined: nothing), checked the way S3 does: the
 * canonical request rebuilt from what arrived, signed with the secret of `credentials`.
 */
function sigV4Problem(req: IncomingMessage, region: string): string | undefined {
  const auth = req.headers.authorization ?? '';
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m) return `not a SigV4 Authorization header: "${auth}"`;
  const [, accessKey, day, signedRegion, signedHeaders, signature] = m as unknown as string[];
  if (accessKey !== credentials.accessKeyId) return `signed for access key ${accessKey}`;
  if (signedRegion !== region) return `signed for region ${signedRegion}`;
  const names = signedHeaders!.split(';');
  const token = req.headers['x-amz-security-token'];
  const wanted = ['host', 'x-amz-content-sha256', 'x-amz-date', ...(token ? ['x-amz-security-token'] : [])];
  if (wanted.some((name) => !names.includes(name))) return `signed headers ${signedHeaders}, not ${wanted}`;
  const canonical = [
    req.method,
    req.url!.split('?')[0],
    '',
    ...names.map((name) => `${name}:${String(req.headers[name]).trim()}`),
    '',
    signedHeaders,
    req.headers['x-amz-content-sha256'],
  ].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', req.headers['x-amz-date'], scope, hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day!), region), 's3'), 'aws4_request');
  return createHmac('sha256', key).update(toSign).digest('hex') === signature ? undefined : 'signature mismatch';
}

const s3Error = (code: string) => `<?xml version="1.0"?><Error><Code>${code}</Code><Message>no</Message></Error>`;

let server: Server;
let base: string;
/** The session token of the last S3 request (temporary credentials). */
let sessionTokenSeen: string | undefined;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/jars/')) {
      // The bucket "jars" of an S3-compatible server, path-style.
      sessionTokenSeen = req.headers['x-amz-security-token'] as string | undefined;
      const problem = sigV4Problem(req, 'eu-central-1');
      if (problem) res.writeHead(403).end(s3Error(`SignatureDoesNotMatch: ${problem}`));
      else if (req.url === '/jars/team%2Ba/orders%281%29.jar') res.end(content);
      else if (req.url === '/jars/broken.jar') res.writeHead(503).end(s3Error('SlowDown'));
      else if (req.url === '/jars/elsewhere.jar')
        res.writeHead(301, { 'x-amz-bucket-region': 'us-west-2' }).end(s3Error('PermanentRedirect'));
      else res.writeHead(404).end(s3Error('NoSuchKey'));
    } else if (req.url === '/jobs/orders-1.0.jar') res.end(content);
    else if (req.url === '/moved.jar') res.writeHead(302, { location: '/jobs/orders-1.0.jar' }).end();
    else if (req.url === '/broken.jar') res.writeHead(503).end();
    // A mirror that sends the headers and a few bytes, then nothing (the connection open).
    else if (req.url === '/stalled.jar') res.writeHead(200).write(content.subarray(0, 8));
    else if (req.url === '/silent.jar')
      return; // no headers either
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const all = { schemes: ['https', 's3', 'http', 'file'] as const, maxBytes: 1024 * 1024, dir: store };

test('file://: the bytes, named by the first 16 hex of their SHA-256', async () => {
  const jar = await fetchJar(`file://${local}`, all);
  expect(jar).toMatchObject({ name: `${sha.slice(0, 16)}-orders-1.0.jar`, sha256: sha, bytes: content.length });
  expect(readFileSync(jar.file)).toEqual(content);
});

test('two fetches of one content: one name, a file each; discarded once used, nothing left on disk', async () => {
  const [one, two] = await Promise.all([fetchJar(`file://${local}`, all), fetchJar(`file://${local}`, all)]);
  expect(one.name).toBe(two.name);
  expect(one.file).not.toBe(two.file);
  await discardJar(one);
  expect(existsSync(one.file)).toBe(false);
  expect(readFileSync(two.file)).toEqual(content);
  await discardJar(two);
  expect(existsSync(path.dirname(two.file))).toBe(false);
});

test('http://: the same content gets the same name (followed through a redirect too)', async () => {
  const direct = await fetchJar(`${base}/jobs/orders-1.0.jar`, all);
  const moved = await fetchJar(`${base}/moved.jar`, all);
  expect(direct.sha256).toBe(sha);
  expect(moved.sha256).toBe(sha);
});

test('a jar that cannot be had is a JarUnavailableError naming why; a 5xx is not (it is retried)', async () => {
  await expect(fetchJar(`${base}/missing.jar`, all)).rejects.toThrow(JarUnavailableError);
  await expect(fetchJar(`${base}/missing.jar`, all)).rejects.toThrow('answered 404');
  await expect(fetchJar(`file://${dir}/nothing.jar`, all)).rejects.toThrow('no such file on the worker');
  await expect(fetchJar(`file://${local}`, { ...all, maxBytes: 10 })).rejects.toThrow(
    'is larger than 10 bytes (setting sessionJob.maxJarMiB)',
  );
  await expect(fetchJar(`file://${local}`, { ...all, schemes: ['https', 's3'] })).rejects.toThrow(
    'jar URI scheme "file" is not allowed on this worker (setting sessionJob.jarSchemes: https, s3)',
  );
  const broken = fetchJar(`${base}/broken.jar`, all);
  await expect(broken).rejects.toThrow('answered 503');
  await expect(broken).rejects.not.toBeInstanceOf(JarUnavailableError);
});

test('a server that stops sending fails the fetch after the stall bound, saying so (retried)', async () => {
  const fetches = () => (existsSync(store) ? readdirSync(store).filter((f) => f.startsWith('fetch-')) : []);
  const before = fetches();
  for (const jar of ['stalled.jar', 'silent.jar']) {
    const started = Date.now();
    const stalled = fetchJar(`${base}/${jar}`, { ...all, stallMs: 300 });
    await expect(stalled).rejects.toThrow(`${base}/${jar}: the server sent nothing for 0.3s`);
    await expect(stalled).rejects.not.toBeInstanceOf(JarUnavailableError);
    expect(Date.now() - started).toBeLessThan(10_000);
  }
  expect(fetches()).toEqual(before); // the partial fetch removed
});

test("a mirror (setting sessionJob.jarMirrors): fetched from it, named by the manifest's file name", async () => {
  const mirrors = [
    { from: 'https://repo.example.com/none/', to: `${base}/nowhere/` },
    { from: 'https://repo1.maven.org/maven2/', to: `${base}/jobs/` },
  ];
  expect(mirroredUri('https://repo1.maven.org/maven2/orders-1.0.jar', mirrors)).toBe(`${base}/jobs/orders-1.0.jar`);
  expect(mirroredUri('https://other.example.com/orders-1.0.jar', mirrors)).toBe(
    'https://other.example.com/orders-1.0.jar',
  );
  // The manifest's scheme is checked (https); the mirror's (http) is the worker's own choice.
  const jar = await fetchJar('https://repo1.maven.org/maven2/orders-1.0.jar', {
    ...all,
    schemes: ['https', 's3'],
    mirrors,
  });
  expect(jar).toMatchObject({ name: `${sha.slice(0, 16)}-orders-1.0.jar`, sha256: sha });
  await expect(
    fetchJar('https://repo1.maven.org/maven2/missing.jar', { ...all, schemes: ['https'], mirrors }),
  ).rejects.toThrow(`${base}/jobs/missing.jar: the server answered 404`);
});

describe('s3://', () => {
  const s3 = (over: Partial<S3Access> = {}): S3Access => ({
    region: 'eu-central-1',
    endpoint: base,
    credentials,
    ...over,
  });

  test('from an S3-compatible endpoint, path-style, signed with SigV4 for the access key and region', async () => {
    const jar = await fetchJar('s3://jars/team+a/orders(1).jar', { ...all, s3: s3() });
    expect(jar).toMatchObject({ name: `${sha.slice(0, 16)}-orders_1_.jar`, sha256: sha, bytes: content.length });
    expect(readFileSync(jar.file)).toEqual(content);
  });

  test('temporary credentials send and sign their session token', async () => {
    const token = 'FwoGZXIvYXdzEXAMPLE';
    const withToken = s3({ credentials: { ...credentials, sessionToken: token } });
    await expect(fetchJar('s3://jars/team+a/orders(1).jar', { ...all, s3: withToken })).resolves.toMatchObject({
      sha256: sha,
    });
    expect(sessionTokenSeen).toBe(token);
    const wrongSecret = s3({ credentials: { ...credentials, secretAccessKey: 'guessed' } });
    await expect(fetchJar('s3://jars/team+a/orders(1).jar', { ...all, s3: wrongSecret })).rejects.toThrow(
      's3://jars/team+a/orders(1).jar: http://127.0.0.1:' +
        `${new URL(base).port} answered 403 SignatureDoesNotMatch: signature mismatch: ` +
        "check the worker's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and that they may read it",
    );
  });

  test('without an endpoint: AWS, virtual-host style https://<bucket>.s3.<region>.amazonaws.com', async () => {
    const previous = getGlobalDispatcher();
    const agent = new MockAgent();
    agent.disableNetConnect();
    let authorization = '';
    agent
      .get('https://jars.s3.eu-central-1.amazonaws.com')
      .intercept({ path: '/jobs/orders-1.0.jar', method: 'GET' })
      .reply(200, (options) => {
        const headers = Object.entries(options.headers as Record<string, string>);
        authorization = headers.find(([name]) => name.toLowerCase() === 'authorization')?.[1] ?? '';
        return content;
      });
    setGlobalDispatcher(agent);
    try {
      const jar = await fetchJar('s3://jars/jobs/orders-1.0.jar', { ...all, s3: s3({ endpoint: undefined }) });
      expect(jar.sha256).toBe(sha);
      expect(authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDFLINKDEPLOY\/\d{8}\/eu-central-1\/s3\/aws4_request, SignedHeaders=/,
      );
    } finally {
      setGlobalDispatcher(previous);
      await agent.close();
    }
  });

  test('missing, denied, other region, no keys: JarUnavailableError saying what to do; 5xx retried', async () => {
    const missing = fetchJar('s3://jars/missing.jar', { ...all, s3: s3() });
    await expect(missing).rejects.toThrow(JarUnavailableError);
    await expect(missing).rejects.toThrow('s3://jars/missing.jar: ');
    await expect(missing).rejects.toThrow('answered 404 NoSuchKey: no such object (or bucket)');
    await expect(fetchJar('s3://jars/elsewhere.jar', { ...all, s3: s3() })).rejects.toThrow(
      'answered 301 PermanentRedirect: the bucket is in us-west-2; set AWS_REGION=us-west-2 on the worker',
    );
    const signedElsewhere = fetchJar('s3://jars/team+a/orders(1).jar', { ...all, s3: s3({ region: 'us-east-1' }) });
    await expect(signedElsewhere).rejects.toThrow('answered 403 SignatureDoesNotMatch: signed for region us-east-1');
    await expect(signedElsewhere).rejects.toThrow(JarUnavailableError);
    for (const access of [undefined, s3({ credentials: undefined })])
      await expect(fetchJar('s3://jars/team+a/orders(1).jar', { ...all, s3: access })).rejects.toThrow(
        's3://jars/team+a/orders(1).jar: the worker has no S3 credentials; set AWS_ACCESS_KEY_ID and ' +
          'AWS_SECRET_ACCESS_KEY',
      );
    for (const uri of ['s3://jars/', 's3://jars/100%.jar'])
      await expect(fetchJar(uri, { ...all, s3: s3() })).rejects.toThrow(
        `${uri}: expected s3://<bucket>/<key> (a key %-encoded)`,
      );
    const broken = fetchJar('s3://jars/broken.jar', { ...all, s3: s3() });
    await expect(broken).rejects.toThrow('answered 503 SlowDown');
    await expect(broken).rejects.not.toBeInstanceOf(JarUnavailableError);
  });

  test("the worker's access: the AWS variables, us-east-1 unless AWS_REGION or AWS_DEFAULT_REGION says", () => {
    expect(s3AccessOf({})).toEqual({ region: 'us-east-1', endpoint: undefined, credentials: undefined });
    expect(s3AccessOf({ AWS_ACCESS_KEY_ID: 'AKID' }).credentials).toBeUndefined();
    expect(
      s3AccessOf(
        {
          AWS_ACCESS_KEY_ID: 'AKID',
          AWS_SECRET_ACCESS_KEY: 'secret',
          AWS_SESSION_TOKEN: 'token',
          AWS_DEFAULT_REGION: 'eu-west-1',
        },
        'http://minio:9000',
      ),
    ).toEqual({
      region: 'eu-west-1',
      endpoint: 'http://minio:9000',
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'token' },
    });
    expect(s3AccessOf({ AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'eu-west-1' }).region).toBe('ap-south-1');
  });
});
