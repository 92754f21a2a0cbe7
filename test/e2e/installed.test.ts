/**
 * The CLI as a user installs it (#13 §1): `npm pack` of this checkout, installed by the CI examples' own
 * steps (read from examples/ci/) with `npm install -g` into an empty folder, Node 22, nothing of this
 * checkout on PATH; then their validate and apply steps against the local stack, served by a worker
 * started from the installed package (dist/ and the prebuilt workflow bundle: no TypeScript at run time).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { settingDefinitions } from '../../src/config/settings';
import { gitHubJobs, gitLabJobs, type CiJob } from '../support/ci-examples';
import { applyFlinkRbac } from '../../scripts/lib/flink-rbac';
import { core, E2eEnv, kube, readRecord } from '../support/e2e';
import { emptyDir, packageEnv, packCheckout, runCommand, type CommandRun } from '../../scripts/lib/packed-cli';
import { stack } from '../support/stack';

const app = 'ci-example';
const env = new E2eEnv('installed');
let tarball: string;
/** The user's repository: the example manifest under flink/, as the examples expect it. */
let repo: string;
/** Where the examples' `npm install -g` installs (npm_config_prefix), and the install lines already run there. */
let prefix: string;
const installed = new Set<string>();

beforeAll(async () => {
  tarball = await packCheckout();
  prefix = emptyDir('flink-deploy-prefix-');
  repo = emptyDir('flink-deploy-ci-repo-');
  mkdirSync(path.join(repo, 'flink'));
  const example = readFileSync(path.join(stack.root, 'examples', 'ci', 'flink-app.yaml'), 'utf8');
  writeFileSync(
    path.join(repo, 'flink', `${app}.yaml`),
    example.replace('name: basic-example', `name: ${app}`).replace('namespace: default', `namespace: ${env.namespace}`),
  );
  // The namespace and Flink's ServiceAccount, as E2eEnv.setUp makes them, without its worker: the worker
  // here is the installed package's, started once it is installed.
  await core.createNamespace({ body: { metadata: { name: env.namespace } } });
  await applyFlinkRbac(kube, env.namespace);
}, 900_000);

afterAll(async () => {
  await env.tearDown();
});

/** The `npm install -g` lines of a step. */
const installLines = (step: string): string[] => step.split('\n').filter((line) => line.includes('npm install -g'));

/**
 * Runs one job's steps in the repository as a runner does (bash -e per step). A step whose install line already
 * ran in `prefix` (the other job, the other example: the same command) is not run again: it takes a minute.
 */
async function runJob(job: CiJob): Promise<CommandRun[]> {
  const runs: CommandRun[] = [];
  for (const step of job.steps) {
    const lines = installLines(step);
    if (lines.length > 0 && lines.every((line) => installed.has(line))) continue;
    const run = await runCommand('bash', ['-e', '-c', step], {
      cwd: repo,
      env: packageEnv(prefix, {
        FLINK_DEPLOY_PACKAGE: tarball,
        TEMPORAL_ADDRESS: stack.temporalAddress,
        FLINK_DEPLOY_TASK_QUEUE: env.taskQueue,
        FLINK_DEPLOY_POLL_INTERVAL: '500ms',
        FLINK_DEPLOY_UI_URL: stack.temporalUiUrl,
      }),
      timeoutMs: 600_000,
    });
    if (run.code !== 0)
      throw new Error(`${job.name}: step failed (exit ${run.code}):\n${step}\n${run.stderr.slice(-3000)}`);
    for (const line of lines) installed.add(line);
    runs.push(run);
  }
  return runs;
}

/** Where the package landed in `prefix`, after the install step. */
function installedPackage(): string {
  return path.join(prefix, 'lib', 'node_modules', 'flink-deploy');
}

test('every setting the examples set is one the CLI reads', () => {
  const known = new Set(['FLINK_DEPLOY_PACKAGE', ...settingDefinitions.flatMap((d) => d.env)]);
  const jobs = [...gitHubJobs(), ...gitLabJobs()];
  expect(jobs.map((j) => j.name).sort()).toEqual(['apply', 'flink-apply', 'flink-validate', 'validate']);
  for (const job of jobs) for (const name of job.envNames) expect(known).toContain(name);
});

test('GitHub Actions: npm install -g of the tarball into an empty folder, --help, validate, apply', async () => {
  const [validate, apply] = gitHubJobs();

  const validateRuns = await runJob(validate!);
  expect(validateRuns.at(-1)!.stdout).toContain(`valid: ${env.namespace}/${app} (image flink:2.3`);
  // What was installed is dist/ and the prebuilt workflow bundle: no source, no TypeScript, no tsx.
  const pkg = installedPackage();
  expect(readdirSync(pkg).sort()).toEqual([
    'README.md',
    'bin',
    'deploy',
    'dist',
    'docs',
    'examples',
    'node_modules',
    'package.json',
  ]);
  expect(existsSync(path.join(pkg, 'dist', 'workflow-bundle.js'))).toBe(true);
  for (const dev of ['tsx', 'typescript', 'jest']) expect(existsSync(path.join(pkg, 'node_modules', dev))).toBe(false);
  const help = await runCommand(path.join(prefix, 'bin', 'flink-deploy'), ['--help'], {
    cwd: repo,
    env: packageEnv(prefix),
    timeoutMs: 60_000,
  });
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('Usage: flink-deploy [options] [command]');
  // A bad manifest: exit 2 from the installed CLI too.
  const bad = path.join(repo, 'bad.yaml');
  writeFileSync(
    bad,
    readFileSync(path.join(repo, 'flink', `${app}.yaml`), 'utf8').replace(
      'upgradeMode: savepoint',
      'upgradeMode: sometimes',
    ),
  );
  const invalid = await runCommand(path.join(prefix, 'bin', 'flink-deploy'), ['validate', '-f', bad], {
    cwd: repo,
    env: packageEnv(prefix),
    timeoutMs: 60_000,
  });
  expect(invalid.code).toBe(2);
  expect(invalid.stderr).toContain('spec.job.upgradeMode');

  // The worker from the installed package serves the apply job's operation.
  env.cliEntry = path.join(pkg, 'bin', 'flink-deploy.js');
  env.startWorker();
  await runJob(apply!);
  const record = await readRecord(env.namespace, app);
  expect(record.status).toBe('running');
  expect(record.generation).toBe(1);
  expect((record.lastStableSpec as { job: { parallelism: number } } | null)?.job.parallelism).toBe(2);
  expect(readFileSync(path.join(env.dir, 'worker.log'), 'utf8')).toContain(
    path.join(pkg, 'dist', 'workflow-bundle.js'),
  );
});

test('GitLab CI: install, validate (JSON artifact), apply of the unchanged manifest (nothing to change)', async () => {
  const [validate, apply] = gitLabJobs();
  await runJob(validate!);
  const artifact = JSON.parse(readFileSync(path.join(repo, 'validate.json'), 'utf8')) as unknown;
  expect(artifact).toEqual({
    valid: true,
    files: [
      expect.objectContaining({
        file: `flink/${app}.yaml`,
        valid: true,
        documents: [expect.objectContaining({ name: app })],
      }),
    ],
    errors: [],
  });
  await runJob(apply!);
  const record = await readRecord(env.namespace, app);
  expect(record.status).toBe('running');
  expect(record.generation).toBe(1);
});
