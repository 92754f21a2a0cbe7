/**
 * What can be tested of the worker image without a container runtime (base images cannot be pulled here, so the
 * image itself is never built): the Dockerfile's install stage — its RUN line, read from the file — installs
 * exactly the files of the packed tarball, and its ENTRYPOINT runs from that install: `--help`, and the CMD
 * `worker`, which answers /readyz once it polls the stack's Temporal and exits on SIGTERM (Node is PID 1 in the
 * image: the worker must handle the signal itself).
 * Minutes (npm pack builds dist/, then an npm install of the tarball): in `npm run faults`.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { observerWorkflowId } from '../../src/contract/observed-health';
import { only, readDockerfile } from '../support/dockerfile';
import { eventually } from '../support/eventually';
import { stack } from '../support/stack';

const run = promisify(execFile);
const stages = readDockerfile(path.join(stack.root, 'Dockerfile'));
const work = mkdtempSync(path.join(tmpdir(), 'fd-image-'));
const prefix = path.join(work, 'opt-flink-deploy');
let tarball = '';

/** The image's paths → this test's folders (the image installs under /opt/flink-deploy from /pack). */
function toLocal(text: string): string {
  const local = text.replaceAll('/pack/flink-deploy.tgz', tarball).replaceAll('/opt/flink-deploy', prefix);
  expect(local).not.toMatch(/(^|[\s"'])\/(opt|pack)\//);
  return local;
}

function filesUnder(dir: string, skip: (rel: string) => boolean, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    const rel = path.relative(base, full);
    if (skip(rel)) return [];
    return statSync(full).isDirectory() ? filesUnder(full, skip, base) : [rel];
  });
}

const node22 = path.dirname(process.execPath);
const imageEnv = (): NodeJS.ProcessEnv => ({
  // The image's ENV (PATH with the install's bin first, HOME=/tmp) on this machine; Node 22 as the base image has.
  PATH: `${prefix}/bin:${node22}:/usr/bin:/bin`,
  HOME: work,
  NODE_ENV: 'production',
});

beforeAll(async () => {
  const packed = await run('npm', ['pack', '--silent', '--pack-destination', work], {
    cwd: stack.root,
    env: { ...process.env, PATH: `${path.join(stack.root, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` },
    timeout: 600_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  tarball = path.join(work, packed.stdout.trim().split('\n').pop() ?? '');
}, 600_000);

test('the install stage installs exactly the files of the packed tarball, and the ENTRYPOINT runs', async () => {
  const install = stages.find((s) => s.name === 'install');
  const command = toLocal(only(install, 'RUN'));
  expect(command).toContain('--omit=dev');
  await run('bash', ['-c', `${command} --prefer-offline --loglevel=error`], {
    env: { ...imageEnv(), npm_config_cache: path.join(process.env.HOME ?? '/root', '.npm') },
    timeout: 600_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const listed = (await run('tar', ['tzf', tarball], { maxBuffer: 16 * 1024 * 1024 })).stdout
    .split('\n')
    .filter((entry) => entry !== '' && !entry.endsWith('/'))
    .map((entry) => entry.replace(/^package\//, ''))
    .sort();
  const installedDir = path.join(prefix, 'lib', 'node_modules', 'flink-deploy');
  expect(filesUnder(installedDir, (rel) => rel === 'node_modules').sort()).toEqual(listed);

  const entrypoint = toLocal(only(stages.at(-1), 'ENTRYPOINT'));
  const [binary, ...entryArgs] = JSON.parse(entrypoint) as string[];
  const help = await run(binary!, [...entryArgs, '--help'], { env: imageEnv(), timeout: 120_000 });
  expect(help.stdout).toContain('Usage: flink-deploy');
  expect(JSON.parse(only(stages.at(-1), 'CMD'))).toEqual(['worker']);
  expect(only(stages.at(-1), 'USER')).toBe('10001:10001');
});

test("the image's CMD: the worker becomes ready once it polls Temporal and exits on SIGTERM", async () => {
  const [binary, ...entryArgs] = JSON.parse(toLocal(only(stages.at(-1), 'ENTRYPOINT'))) as string[];
  const cmd = JSON.parse(only(stages.at(-1), 'CMD')) as string[];
  const port = 30000 + Math.floor(Math.random() * 20000);
  const worker = spawn(binary!, [...entryArgs, ...cmd], {
    env: {
      ...imageEnv(),
      TEMPORAL_ADDRESS: stack.temporalAddress,
      FLINK_DEPLOY_TASK_QUEUE: `image-${port}`,
      FLINK_DEPLOY_HEALTH_ADDRESS: `127.0.0.1:${port}`,
      FLINK_DEPLOY_METRICS_ADDRESS: `127.0.0.1:${port + 1}`,
      FLINK_DEPLOY_OBSERVE_NAMESPACES: 'default',
      KUBECONFIG: stack.kubeconfig,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  worker.stdout.on('data', (d: Buffer) => (output += d.toString()));
  worker.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
  try {
    const ready = eventually(
      'the worker ready (/readyz 200)',
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
        return res?.status === 200 ? ((await res.json()) as unknown) : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    const exitedEarly = exited.then((code) => {
      throw new Error(`the worker exited (${code}) before it was ready:\n${output.slice(-4000)}`);
    });
    // Once ready, the exit after SIGTERM below must not count as an early one.
    exitedEarly.catch(() => undefined);
    expect(await Promise.race([ready, exitedEarly])).toEqual({ state: 'RUNNING' });
    worker.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise((resolve) => (timer = setTimeout(() => resolve('still running after 30 s'), 30_000)));
    const code = await Promise.race([exited, late]);
    clearTimeout(timer);
    expect({ code, output }).toMatchObject({ code: 0, output: expect.stringContaining('worker stopped') as string });
  } finally {
    worker.kill('SIGKILL');
    // The observer the worker started on its task queue would wait for a worker for ever.
    const connection = await Connection.connect({ address: stack.temporalAddress });
    await new Client({ connection }).workflow
      .getHandle(observerWorkflowId(`image-${port}`))
      .terminate('end of the test')
      .catch(() => undefined);
    await connection.close();
  }
});
