/**
 * Deploy and savepoint upgrade on the whole local stack, with the stateful counter job:
 * outcomes read from Flink (latest.restored), Kubernetes (the record) and the job's output.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  apps,
  continuity,
  core,
  countsByKey,
  E2eEnv,
  eventually,
  flinkOf,
  markOutput,
  newCountsOfEveryKey,
  readRecord,
  removeApp,
} from '../support/e2e';
import { sampleOf, scrapeMetrics } from '../support/metrics';
import { stack } from '../support/stack';
import { operationWorkflowId } from '../../src/contract/ids';

const env = new E2eEnv('e2e-upgrade');
// Payloads encrypted (CLI and worker share the key file, docs/security.md); the observer sweeps
// often enough to set the savepoint-age gauge within the test.
const keyFile = path.join(env.dir, 'payload-keys');
writeFileSync(keyFile, `e2e-1=${randomBytes(32).toString('base64')}\n`);
env.extraEnv = { FLINK_DEPLOY_OBSERVE_INTERVAL: '10s', FLINK_DEPLOY_PAYLOAD_KEYS: keyFile };
beforeAll(() => env.setUp());
afterAll(() => env.tearDown());

test(
  'deploy, then a savepoint upgrade that changes parallelism: restored from THAT savepoint, and the counter ' +
    'continued',
  async () => {
    const app = 'counter';
    // Each generation writes its own folder: the new job's lines can't be mistaken for the old one's.
    const [oldOut, newOut] = [env.outputDir(app, 'gen-1'), env.outputDir(app, 'gen-2')];
    const deploy = await env.cli([
      'apply',
      '-f',
      env.manifest(app, { parallelism: 2, output: oldOut }),
      '--wait',
      '--timeout',
      '5m',
    ]);
    expect(deploy.code).toBe(0);
    expect(deploy.stdout + deploy.stderr).toContain('http://127.0.0.1:8233/namespaces/default/workflows/');
    const first = await readRecord(env.namespace, app);
    expect(first.status).toBe('running');
    await newCountsOfEveryKey(oldOut);

    const upgrade = await env.cli([
      'apply',
      '-f',
      env.manifest(app, { parallelism: 3, output: newOut }),
      '--wait',
      '--timeout',
      '5m',
    ]);
    expect(upgrade.code).toBe(0);

    const record = await readRecord(env.namespace, app);
    const savepoint = record.savepoints.find((s) => s.kind === 'upgrade');
    expect(savepoint?.jobId).toBe(first.jobId);
    expect(record.jobId).not.toBe(first.jobId);
    expect(record.restoredFrom).toBe(savepoint?.location);
    expect(record.lastStableSpec?.job.parallelism).toBe(3);
    // Flink itself says the new job was restored from that savepoint.
    const flink = await flinkOf(env.namespace, app);
    const checkpoints = await flink.checkpoints(record.jobId!);
    expect(checkpoints.latestRestored?.isSavepoint).toBe(true);
    expect(checkpoints.latestRestored?.externalPath?.replace('file:///', 'file:/')).toBe(
      savepoint!.location.replace('file:///', 'file:/'),
    );
    const details = await flink.jobDetails(record.jobId!);
    expect(details.state).toBe('RUNNING');
    expect(Math.max(...details.vertices.map((v) => v.parallelism))).toBe(3);
    // The counter continued: the old job stopped with the savepoint, so its last count of each
    // key is the savepoint's; the new job's first count of EVERY key is that + 1.
    const after = await newCountsOfEveryKey(newOut);
    const keys = continuity(countsByKey(oldOut), after);
    expect(keys).toEqual(keys.map((k) => ({ ...k, firstNew: k.lastOld! + 1 })));
    expect(keys.every((k) => k.lastOld! > 1 && k.newLines >= 3)).toBe(true);

    // What operators look at: the upgrade's Events on the JobManager Deployment (uid set: kubectl describe)...
    const deployment = `${app}-jobmanager`;
    const events = (
      await core.listNamespacedEvent({ namespace: env.namespace, fieldSelector: `involvedObject.name=${deployment}` })
    ).items
      // The operations' own (the observer's health Events have their own reporting instance), in write order.
      .filter((e) => e.reportingComponent === 'flink-deploy' && e.reportingInstance !== 'flink-deploy-observer')
      .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
    const upgradeStart = events.map((e) => e.reason).lastIndexOf('OperationStarted');
    const told = events.slice(upgradeStart);
    expect(told.map((e) => e.reason)).toEqual([
      'OperationStarted',
      'Savepointing',
      'Deploying',
      'WaitingForStable',
      'OperationSucceeded',
    ]);
    expect(told.at(-1)?.message).toMatch(/^upgrade succeeded: /);
    const current = await apps.readNamespacedDeployment({ name: deployment, namespace: env.namespace });
    expect(told.at(-1)?.involvedObject.uid).toBe(current.metadata?.uid);
    // ...and the worker's metrics: the upgrade counted, its duration, its downtime, the savepoint's.
    const address = `127.0.0.1:${env.metricsPort}`;
    const metrics = await scrapeMetrics(address);
    const upgraded = { operation: 'upgrade', outcome: 'succeeded' };
    expect(sampleOf(metrics, 'flink_deploy_operations_total', upgraded)).toBe(1);
    expect(sampleOf(metrics, 'flink_deploy_operations_total', { operation: 'deploy', outcome: 'succeeded' })).toBe(1);
    expect(sampleOf(metrics, 'flink_deploy_operation_duration_seconds_count', upgraded)).toBe(1);
    const took = sampleOf(metrics, 'flink_deploy_operation_duration_seconds_sum', upgraded)!;
    expect(took).toBeGreaterThan(1);
    expect(took).toBeLessThan(300);
    expect(sampleOf(metrics, 'flink_deploy_upgrade_downtime_seconds_count')).toBe(1);
    const downtime = sampleOf(metrics, 'flink_deploy_upgrade_downtime_seconds_sum')!;
    expect(downtime).toBeGreaterThan(0.5);
    expect(downtime).toBeLessThan(took);
    expect(sampleOf(metrics, 'flink_deploy_savepoint_duration_seconds_count', { stop: 'true' })).toBe(1);
    expect(sampleOf(metrics, 'flink_deploy_savepoint_duration_seconds_sum', { stop: 'true' })).toBeGreaterThan(0);
    const age = await eventually('the last savepoint age gauge', async () =>
      sampleOf(await scrapeMetrics(address), 'flink_deploy_last_savepoint_age_seconds', { flink_application: app }),
    );
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(600);
    // The history holds no spec: a raw read (no codec) shows encrypted payloads only.
    const raw = execFileSync(
      stack.temporalCli,
      [
        'workflow',
        'show',
        '--address',
        stack.temporalAddress,
        '-w',
        operationWorkflowId({ namespace: env.namespace, name: app }),
        '-o',
        'json',
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    expect(raw).toContain(Buffer.from('binary/encrypted').toString('base64'));
    for (const specText of [newOut, 'dev.flinkdeploy', 'parallelism']) expect(raw).not.toContain(specText);
    await removeApp(env.namespace, app);
  },
);

test(
  'a broken new version is rolled back on its own (exit 3) to the last stable spec, from the same savepoint, ' +
    'state kept',
  async () => {
    const app = 'broken';
    expect((await env.cli(['apply', '-f', env.manifest(app), '--wait', '--timeout', '5m'])).code).toBe(0);
    const stable = await readRecord(env.namespace, app);

    const bad = await env.cli([
      'apply',
      '-f',
      env.manifest(app, { extraArgs: ['--fail-after-records', '0'] }),
      '--wait',
      '--timeout',
      '6m',
    ]);

    expect(bad.code).toBe(3);
    expect(bad.stdout + bad.stderr).toMatch(/rolled back/);
    const record = await readRecord(env.namespace, app);
    const savepoint = record.savepoints.find((s) => s.kind === 'upgrade');
    expect(savepoint?.jobId).toBe(stable.jobId);
    expect(record.status).toBe('running');
    expect(record.lastStableSpec?.job.args).not.toContain('--fail-after-records');
    expect(record.lastAppliedSpec?.job.args).not.toContain('--fail-after-records');
    expect(record.history.at(-1)).toMatchObject({ outcome: 'rolled-back' });
    const flink = await flinkOf(env.namespace, app);
    const checkpoints = await flink.checkpoints(record.jobId!);
    expect(checkpoints.latestRestored?.externalPath?.replace('file:///', 'file:/')).toBe(
      savepoint!.location.replace('file:///', 'file:/'),
    );
    expect((await flink.jobDetails(record.jobId!)).state).toBe('RUNNING');
    await removeApp(env.namespace, app);
  },
);

test(
  'job args with -n (an option Flink itself also reads) reach the job: a version whose counter state the ' +
    'savepoint cannot map is refused by Flink and rolled back (exit 3), not started with that state dropped',
  async () => {
    const app = 'shortargs';
    const out = env.outputDir(app);
    expect((await env.cli(['apply', '-f', env.manifest(app), '--wait', '--timeout', '5m'])).code).toBe(0);
    const stable = await readRecord(env.namespace, app);
    await newCountsOfEveryKey(out);

    // `-n` is a flag of the job, first among its args; read by Flink's launcher it would be allowNonRestoredState,
    // and the renamed counter would start from nothing.
    const renamed = await env.cli([
      'apply',
      '-f',
      env.manifest(app, { leadingArgs: ['-n'], extraArgs: ['--counter-uid', 'counter-renamed'] }),
      '--wait',
      '--timeout',
      '6m',
      '--output',
      'json',
    ]);

    expect(renamed.code).toBe(3);
    // The job's main() got the flag (it runs, and writes it, before Flink tries the restore).
    expect(readFileSync(path.join(out, 'flags.txt'), 'utf8')).toBe('-n\n');
    const doc = JSON.parse(renamed.stdout) as { outcome: string; message?: string };
    expect(doc.outcome).toBe('rolled-back');
    const record = await readRecord(env.namespace, app);
    const savepoint = record.savepoints.find((s) => s.kind === 'upgrade');
    expect(savepoint?.jobId).toBe(stable.jobId);
    expect(record.status).toBe('running');
    expect(record.lastStableSpec?.job.args).not.toContain('--counter-uid');
    expect(record.history.at(-1)).toMatchObject({ outcome: 'rolled-back' });
    const flink = await flinkOf(env.namespace, app);
    const checkpoints = await flink.checkpoints(record.jobId!);
    expect(checkpoints.latestRestored?.externalPath?.replace('file:///', 'file:/')).toBe(
      savepoint!.location.replace('file:///', 'file:/'),
    );
    // Nothing lost, nothing counted twice, no key started over: every key's counts, across the stop with the
    // savepoint, the refused version and the rollback, are 1, 2, 3, … (the refused version wrote none).
    await newCountsOfEveryKey(out, { since: markOutput(out) });
    const counts = countsByKey(out);
    expect([...counts.keys()].sort()).toEqual([0, 1, 2, 3]);
    for (const [key, seen] of counts) expect({ key, seen }).toEqual({ key, seen: seen.map((_, i) => i + 1) });
    await removeApp(env.namespace, app);
  },
);
