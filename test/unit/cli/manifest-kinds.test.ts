/**
 * validate/plan/apply of the documents other than an application (in-process, no server): canaries
 * ignored with a note, session jobs checked by validate (a placeholder jar refused by apply), FlinkStateSnapshot
 * mapped or refused; hostile input exits 2 naming the field.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { memoryIo } from './memory-io';

const fixtures = path.join(__dirname, '..', '..', 'fixtures');
const dir = mkdtempSync(path.join(tmpdir(), 'fd-kinds-'));

function file(name: string, text: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, text);
  return target;
}

const sessionJob = (jarURI: string, extra = '') =>
  file(
    `job-${Math.abs(hash(jarURI + extra))}.yaml`,
    `apiVersion: flink.apache.org/v1beta1
kind: FlinkSessionJob
metadata: {name: orders}
spec:
  deploymentName: shared
  job:
    jarURI: ${JSON.stringify(jarURI)}
    parallelism: 2
${extra}`,
  );

function hash(text: string): number {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}

async function run(args: string[], env: Record<string, string> = {}) {
  const io = memoryIo(env);
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

test('validate of the canary: exit 0, the note in text and JSON; plan and apply do nothing, exit 0', async () => {
  const canary = path.join(fixtures, 'apache-operator', 'canary.yaml');
  const validated = await run(['validate', '-f', canary, '-o', 'json']);
  expect(validated.code).toBe(0);
  expect(JSON.parse(validated.out)).toMatchObject({
    valid: true,
    documents: [{ kind: 'canary', name: 'canary' }],
    notes: [{ path: 'metadata.labels["flink.apache.org/canary"]', message: expect.stringContaining('ignored') }],
  });
  const applied = await run(['apply', '-f', canary, '-o', 'json']);
  expect(applied.code).toBe(0);
  expect(JSON.parse(applied.out)).toMatchObject({ applied: false, notes: [expect.anything()] });
});

test('a session job with a placeholder jarURI: validate exit 0; apply and plan exit 2 naming it', async () => {
  const job = sessionJob('STREAMING_EXAMPLES_JAR_URL');
  const validated = await run(['validate', '-f', job]);
  expect(validated.code).toBe(0);
  expect(validated.out).toContain('apply refused: jarURI is a placeholder to fill in');
  for (const verb of ['apply', 'plan']) {
    const refused = await run([verb, '-f', job]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('jarURI STREAMING_EXAMPLES_JAR_URL is a placeholder to fill in: the job cannot run');
    expect(refused.err).toContain('Nothing was started');
  }
});

test('a session job: validate says apply submits it to its session cluster', async () => {
  const validated = await run(['validate', '-f', sessionJob('https://repo.example.com/jobs/orders-1.0.jar')]);
  expect(validated.code).toBe(0);
  expect(validated.out).toContain('apply submits the job to session cluster shared, or upgrades it');
});

test('session jar schemes: https and s3 by default; http only when the setting lists it', async () => {
  expect((await run(['validate', '-f', sessionJob('s3://jobs/orders.jar')])).code).toBe(0);
  const http = sessionJob('http://repo.example.com/orders.jar');
  const refused = await run(['validate', '-f', http, '-o', 'json']);
  expect(refused.code).toBe(2);
  expect(JSON.parse(refused.out).errors).toEqual([
    expect.objectContaining({
      path: 'spec.job.jarURI',
      message: expect.stringContaining('"http" is not allowed'),
      hint: expect.stringContaining('FLINK_DEPLOY_SESSION_JAR_SCHEMES'),
    }),
  ]);
  expect((await run(['validate', '-f', http], { FLINK_DEPLOY_SESSION_JAR_SCHEMES: 'https,s3,http' })).code).toBe(0);
  const badSetting = await run(['validate', '-f', http], { FLINK_DEPLOY_SESSION_JAR_SCHEMES: 'https,ftp' });
  expect(badSetting.code).toBe(2);
  expect(badSetting.err).toContain('"ftp"');
});

test.each([
  ['local:///opt/flink/usrlib/a.jar', 'spec.job.jarURI', 'not allowed'],
  ['https://user:pw@repo.example.com/a.jar', 'spec.job.jarURI', 'credentials'],
  ['https://repo.example.com/../etc/a.jar', 'spec.job.jarURI', '".."'],
  ['https://repo.example.com/a.zip', 'spec.job.jarURI', 'does not name a .jar'],
])('a session job with jarURI %s is refused at %s', async (jarURI, field, message) => {
  const result = await run(['validate', '-f', sessionJob(jarURI), '-o', 'json']);
  expect(result.code).toBe(2);
  expect(JSON.parse(result.out).errors).toEqual([
    expect.objectContaining({ path: field, message: expect.stringContaining(message) }),
  ]);
});

test.each([
  ['parallelism: two', '    parallelism: two\n', 'spec.job.parallelism'],
  ['an unknown job field', '    jarUri: x\n', 'spec.job.jarUri'],
  ['a bad upgradeMode', '    upgradeMode: blue-green\n', 'spec.job.upgradeMode'],
])('a session job with %s exits 2 naming the field', async (_what, extra, field) => {
  const text = `apiVersion: flink.apache.org/v1beta1
kind: FlinkSessionJob
metadata: {name: orders}
spec:
  deploymentName: shared
  job:
    jarURI: https://repo.example.com/a.jar
${extra}`;
  const result = await run(['validate', '-f', file(`bad-${hash(extra)}.yaml`, text), '-o', 'json']);
  expect(result.code).toBe(2);
  expect(JSON.parse(result.out).errors.map((e: { path: string }) => e.path)).toContain(field);
});

test.each([
  [
    'a checkpoint snapshot',
    'spec: {checkpoint: {}, jobReference: {kind: FlinkDeployment, name: orders}}',
    'spec.checkpoint',
  ],
  ['alreadyExists without a path', 'spec: {savepoint: {alreadyExists: true}}', 'spec.savepoint.path'],
  ['a savepoint without jobReference', 'spec: {savepoint: {}}', 'spec.jobReference'],
  ['a relative path', 'spec: {savepoint: {alreadyExists: true, path: sp-1}}', 'spec.savepoint.path'],
  [
    'a path with credentials',
    'spec: {savepoint: {alreadyExists: true, path: "s3://AKIA:secret@b/sp-1"}, jobReference: {kind: FlinkDeployment, name: orders}}',
    'spec.savepoint.path',
  ],
  [
    'a path with ".."',
    'spec: {savepoint: {alreadyExists: true, path: "/sp/../etc"}, jobReference: {kind: FlinkDeployment, name: orders}}',
    'spec.savepoint.path',
  ],
  [
    'an unknown jobReference kind',
    'spec: {savepoint: {}, jobReference: {kind: Job, name: orders}}',
    'spec.jobReference.kind',
  ],
])('a FlinkStateSnapshot with %s exits 2 naming the field', async (_what, spec, field) => {
  const text = `apiVersion: flink.apache.org/v1beta1\nkind: FlinkStateSnapshot\nmetadata: {name: s1}\n${spec}\n`;
  const result = await run(['validate', '-f', file(`snap-${hash(spec)}.yaml`, text), '-o', 'json']);
  expect(result.code).toBe(2);
  expect(JSON.parse(result.out).errors.map((e: { path: string }) => e.path)).toContain(field);
});

test('apply of a FlinkStateSnapshot: a savepoint to take is a savepoint; registering needs jobReference', async () => {
  const take = path.join(fixtures, 'apache-operator', 'snapshot-savepoint-job-full-spec.yaml');
  const dry = await run(['apply', '-f', take, '--dry-run', '-o', 'json']);
  expect(dry.code).toBe(0);
  expect(JSON.parse(dry.out)).toMatchObject({
    dryRun: true,
    operation: 'savepoint',
    app: { namespace: 'default', name: 'example-deployment' },
    // Where and how the snapshot asks, as the Apache operator takes it.
    targetDirectory: '/flink-data/savepoints-custom',
    formatType: 'CANONICAL',
  });
  const ofSessionJob = file(
    'session-job-snapshot.yaml',
    'apiVersion: flink.apache.org/v1beta1\nkind: FlinkStateSnapshot\nmetadata: {name: s3, namespace: team}\n' +
      'spec: {savepoint: {}, jobReference: {kind: FlinkSessionJob, name: orders}}\n',
  );
  const jobDry = await run(['apply', '-f', ofSessionJob, '--dry-run', '-o', 'json']);
  expect(jobDry.code).toBe(0);
  expect(JSON.parse(jobDry.out)).toMatchObject({ operation: 'savepoint', app: { namespace: 'team', name: 'orders' } });
  const register = file(
    'register.yaml',
    'apiVersion: flink.apache.org/v1beta1\nkind: FlinkStateSnapshot\nmetadata: {name: s2}\n' +
      'spec: {savepoint: {alreadyExists: true, path: "s3://b/savepoints/sp-1"}}\n',
  );
  for (const args of [
    ['apply', '-f', register],
    ['apply', '-f', register, '--dry-run'],
  ]) {
    const refused = await run(args);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('alreadyExists: true) needs spec.jobReference');
    expect(refused.err).toContain('jobReference: { kind: FlinkDeployment, name: <app> }');
    expect(refused.err).toContain('Nothing was started');
  }
});

test.each([
  ['credentials', 's3://AKIA:topsecret@b/savepoints/sp-1', 'holds credentials'],
  ['no path', '', 'needs savepoint.path'],
  ['a relative path', 'savepoints/sp-1', 'is not an absolute savepoint path'],
])('apply of a snapshot registering a path with %s: exit 2 before anything, naming the field', async (_w, sp, why) => {
  const text =
    'apiVersion: flink.apache.org/v1beta1\nkind: FlinkStateSnapshot\nmetadata: {name: s4}\n' +
    `spec: {savepoint: {alreadyExists: true${sp ? `, path: "${sp}"` : ''}}, ` +
    'jobReference: {kind: FlinkDeployment, name: orders}}\n';
  const result = await run(['apply', '-f', file(`reg-${hash(sp)}.yaml`, text)]);
  expect(result.code).toBe(2);
  expect(result.err).toContain('spec.savepoint.path');
  expect(result.err).toContain(why);
  expect(result.err).not.toContain('topsecret');
});

test('an unknown kind of the operator API is refused, naming kind', async () => {
  const text = 'apiVersion: flink.apache.org/v1beta1\nkind: FlinkJob\nmetadata: {name: x}\nspec: {}\n';
  const result = await run(['validate', '-f', file('unknown.yaml', text), '-o', 'json']);
  expect(result.code).toBe(2);
  expect(JSON.parse(result.out).errors).toEqual([expect.objectContaining({ path: 'kind' })]);
});

test.each([
  ['FlinkDeploymnet', 'FlinkDeployment'],
  ['flinkdeployment', 'FlinkDeployment'],
  ['FlinkSesionJob', 'FlinkSessionJob'],
  ['FLINKSTATESNAPSHOT', 'FlinkStateSnapshot'],
])(
  'a kind close to one flink-deploy reads (%s): "did you mean %s?", not "apply it with kubectl"',
  async (kind, meant) => {
    const example = readFileSync(path.join(fixtures, 'apache-operator', 'basic.yaml'), 'utf8');
    const text = example.replace('kind: FlinkDeployment', `kind: ${kind}`);
    expect(text).toContain(`kind: ${kind}`);
    for (const command of ['validate', 'apply']) {
      const result = await run([command, '-f', file(`kind-${kind}.yaml`, text)]);
      expect({ command, code: result.code }).toEqual({ command, code: 2 });
      expect(result.err).toContain(`kind: unknown kind ${kind} (did you mean ${meant}?)`);
      expect(result.err).toContain(`Set kind: ${meant} (kinds are case-sensitive).`);
      expect(result.err).not.toContain('kubectl');
    }
  },
);

test('a kind far from them is still one for kubectl', async () => {
  const text = 'apiVersion: flink.apache.org/v1beta1\nkind: Deployment\nmetadata: {name: x}\nspec: {}\n';
  const result = await run(['validate', '-f', file('deployment.yaml', text)]);
  expect(result.code).toBe(2);
  expect(result.err).toContain('a Deployment cannot be deployed by flink-deploy');
  expect(result.err).not.toContain('did you mean');
});

test('validate says what apply does with a snapshot registering a savepoint, with or without a reference', async () => {
  const head =
    'apiVersion: flink.apache.org/v1beta1\nkind: FlinkStateSnapshot\nmetadata: {name: s5, namespace: team}\n';
  const withRef = file(
    'validate-register.yaml',
    `${head}spec: {savepoint: {alreadyExists: true, path: "s3://b/sp-1"}, ` +
      'jobReference: {kind: FlinkSessionJob, name: orders}}\n',
  );
  const alone = file(
    'validate-register-alone.yaml',
    `${head}spec: {savepoint: {alreadyExists: true, path: "s3://b/sp-1"}}\n`,
  );
  const ref = await run(['validate', '-f', withRef, '-o', 'json']);
  expect(ref.code).toBe(0);
  expect(JSON.parse(ref.out).documents[0].apply).toBe(
    'registers the existing savepoint s3://b/sp-1 in the record of FlinkSessionJob team/orders',
  );
  const noRef = await run(['validate', '-f', alone, '-o', 'json']);
  expect(noRef.code).toBe(0);
  expect(JSON.parse(noRef.out).documents[0].apply).toContain('alone, refused without spec.jobReference');
});

test('validate refuses a file naming one application twice, as apply does (exit 2, the document named)', async () => {
  const app = (parallelism: number) =>
    `apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: {name: orders, namespace: streaming}
spec:
  image: flink:2.3
  flinkVersion: v2_2
  serviceAccount: flink
  jobManager: {resource: {memory: 1024m, cpu: 1}}
  taskManager: {resource: {memory: 1024m, cpu: 1}}
  job: {jarURI: "local:///opt/flink/examples/streaming/StateMachineExample.jar", parallelism: ${parallelism}}
`;
  const twice = file('twice.yaml', `${app(1)}---\n${app(2)}`);
  const io = memoryIo();
  expect(await runCli(['validate', '-f', twice, '-o', 'json'], io)).toBe(2);
  expect(JSON.parse(io.out())).toEqual({
    valid: false,
    errors: [
      expect.objectContaining({
        path: 'metadata.name',
        document: 1,
        message: 'streaming/orders is named by document 1 too: apply takes one manifest per application',
      }),
    ],
  });
  const text = memoryIo();
  expect(await runCli(['validate', '-f', twice], text)).toBe(2);
  expect(text.err()).toContain('document 2 metadata.name: streaming/orders is named by document 1 too');
  // The same application in two files apart is valid in each (apply of both together refuses it: fleet).
  const once = memoryIo();
  expect(await runCli(['validate', '-f', file('once.yaml', app(1))], once)).toBe(0);
});
