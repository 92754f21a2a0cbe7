/**
 * The Apache operator's stateful examples, applied as written (copies in test/fixtures/apache-operator/):
 * basic-checkpoint-ha.yaml (upgradeMode savepoint, Kubernetes HA, state on the node's hostPath /tmp/flink) and
 * basic-reactive.yaml (the same with scheduler-mode REACTIVE). Both run Flink's StateMachineExample, whose state
 * (Flink 2's async state API) Flink cannot write in the canonical savepoint format ("Not supported yet": the
 * savepoint is declined and the task's failure restarts the job). basic-checkpoint-ha asks NATIVE with
 * `kubernetes.operator.savepoint.format.type`, which flink-deploy honours: a manual savepoint completes, and an
 * upgrade stops the job with a savepoint and starts the new one from it (Flink says so). basic-reactive asks
 * none: it runs, its savepoint is declined (exit 1, SavepointFailed, as with the Apache operator); with the key
 * added, the upgrade that adds it stops the job in NATIVE and restores from it. snapshot-job-from-savepoint.yaml
 * (a registered savepoint and a deployment started from it at its path inside the volume, /flink-data/…): with
 * a savepoint of the same job put at that path on the node, the deployment restores from it, and Flink names it
 * by that path (the node agent mounts the volume there, as a kubelet does); snapshot-savepoint-job-full-spec.yaml
 * then asks a savepoint of it in CANONICAL, which Flink declines for this job (exit 1, the job running again),
 * and with NATIVE it is taken into the directory the snapshot names.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stack } from '../support/stack';
import { E2eEnv, eventually, expectRestoredFrom, flinkOf, readRecord, sameLocation } from '../support/e2e';

const env = new E2eEnv('long-operator-stateful');
beforeAll(async () => {
  // The examples' prerequisite, as the operator's docs say: the folder /tmp/flink on the node (their hostPath
  // volume is `type: Directory`, which a kubelet, and the node agent, mount only when it exists).
  mkdirSync(nodeFlinkData, { recursive: true });
  await env.setUp();
});
afterAll(() => env.tearDown());

const fixtures = path.join(__dirname, '..', 'fixtures', 'apache-operator');
/** The node's folder behind hostPath /tmp/flink (the examples' /flink-data). */
const nodeFlinkData = path.join(stack.dir, 'node', 'hostpath', 'tmp', 'flink');
const ok = (r: { code: number; stderr: string }) => ({ code: r.code, err: r.code === 0 ? '' : r.stderr });

/** Applies `file` and waits; the record after. */
async function applied(file: string, app: string) {
  const result = await env.cli(['apply', '-f', file, '-n', env.namespace, '--wait', '--timeout', '10m']);
  expect(ok(result)).toEqual({ code: 0, err: '' });
  return readRecord(env.namespace, app);
}

/** `manifest` with `from` replaced by `to`, written to the test's dir. */
function withText(manifest: string, from: string, to: string): string {
  const changed = path.join(env.dir, `${path.basename(manifest, '.yaml')}-${Date.now()}.yaml`);
  const text = readFileSync(manifest, 'utf8');
  expect(text).toContain(from);
  writeFileSync(changed, text.replace(from, to));
  return changed;
}

/** `manifest` with `line` added under `after` (same indentation as what follows it), written to the test's dir. */
const withLine = (manifest: string, after: string, line: string) => withText(manifest, after, `${after}\n${line}`);

/** The upgrade's savepoint of job `from`, recorded; the new job restored from it, per the record and Flink. */
async function expectUpgradedFrom(app: string, from: string) {
  const record = await readRecord(env.namespace, app);
  expect(record.jobId).not.toBe(from);
  const savepoint = record.savepoints.find((s) => s.kind === 'upgrade' && s.jobId === from);
  expect(savepoint).toBeDefined();
  expect(sameLocation(record.restoredFrom, savepoint!.location)).toBe(true);
  await expectRestoredFrom(env.namespace, app, record.jobId!, savepoint!.location);
  return savepoint!.location;
}

/** Flink lists savepoint `location` of job `jobId` (its statistics are cached a few seconds); its format. */
async function formatOf(app: string, jobId: string, location: string) {
  const flink = await flinkOf(env.namespace, app);
  const listed = await eventually(`savepoint ${location} in Flink's statistics`, async () => {
    const latest = (await flink.checkpointStatistics(jobId)).latest.savepoint;
    return latest && sameLocation(latest.external_path, location) ? latest : undefined;
  });
  return listed.savepointFormat;
}

test(
  'basic-checkpoint-ha.yaml as written: RUNNING, a NATIVE savepoint taken as it asks, upgraded from its savepoint',
  async () => {
    const app = 'basic-checkpoint-ha-example';
    const manifest = path.join(fixtures, 'basic-checkpoint-ha.yaml');
    const first = await applied(manifest, app);
    const flink = await flinkOf(env.namespace, app);
    expect((await flink.jobDetails(first.jobId!)).state).toBe('RUNNING');

    // A manual savepoint: NATIVE, as the manifest asks (a canonical one is declined and restarts the job).
    const saved = await env.cli(['savepoint', app, '-n', env.namespace, '--wait', '-o', 'json']);
    expect(ok(saved)).toEqual({ code: 0, err: '' });
    const manual = (JSON.parse(saved.stdout) as { savepoint: string }).savepoint;
    expect(await formatOf(app, first.jobId!, manual)).toBe('NATIVE');
    expect((await flink.jobDetails(first.jobId!)).state).toBe('RUNNING');

    // An upgrade (the example's --sleep between events): stopped with a NATIVE savepoint, restored from it.
    await applied(withLine(manifest, '    savepointTriggerNonce: 0', '    args: ["--sleep", "1"]'), app);
    await expectUpgradedFrom(app, first.jobId!);

    const deleted = await env.cli(['delete', app, '-n', env.namespace, '--wait', '--timeout', '5m']);
    expect(ok(deleted)).toEqual({ code: 0, err: '' });
  },
  25 * 60_000,
);

test(
  'basic-reactive.yaml: RUNNING as written, its canonical savepoint declined by Flink; with NATIVE, upgraded',
  async () => {
    const app = 'basic-reactive-example';
    const manifest = path.join(fixtures, 'basic-reactive.yaml');
    const first = await applied(manifest, app);
    const flink = await flinkOf(env.namespace, app);
    expect((await flink.jobDetails(first.jobId!)).state).toBe('RUNNING');

    // It asks no format: canonical, which Flink declines for this job's async state (the example's own gap).
    const saved = await env.cli(['savepoint', app, '-n', env.namespace, '--wait', '-o', 'json']);
    expect(saved.code).toBe(1);
    expect(JSON.parse(saved.stdout)).toMatchObject({ failureType: 'SavepointFailed' });
    expect(saved.stdout + saved.stderr).toMatch(/no savepoint was taken/);
    await eventually('the job RUNNING again after the declined savepoint', async () =>
      (await flink.jobDetails(first.jobId!)).state === 'RUNNING' ? true : undefined,
    );

    // The format asked in the manifest: the upgrade it is (a changed configuration) stops the job with a NATIVE
    // savepoint, as the new spec asks, and the new job restores from it.
    const key = '    kubernetes.operator.savepoint.format.type: NATIVE';
    const native = withLine(manifest, '    scheduler-mode: REACTIVE', key);
    // (A canonical stop-with-savepoint would be declined as above, and the upgrade fail with the job running.)
    await applied(native, app);
    await expectUpgradedFrom(app, first.jobId!);

    const deleted = await env.cli(['delete', app, '-n', env.namespace, '--wait', '--timeout', '5m']);
    expect(ok(deleted)).toEqual({ code: 0, err: '' });
  },
  25 * 60_000,
);

test(
  'snapshot-job-from-savepoint.yaml as written: example-deployment restored from the savepoint at its /flink-data path',
  async () => {
    // Its prerequisite: a savepoint of StateMachineExample at /flink-data/savepoints/savepoint-45305c-d867504446e0.
    // Taken here of basic-checkpoint-ha (same job, same volume), copied to that name on the node.
    const source = 'basic-checkpoint-ha-example';
    const first = await applied(path.join(fixtures, 'basic-checkpoint-ha.yaml'), source);
    const saved = await env.cli(['savepoint', source, '-n', env.namespace, '--wait', '-o', 'json']);
    expect(ok(saved)).toEqual({ code: 0, err: '' });
    const taken = (JSON.parse(saved.stdout) as { savepoint: string }).savepoint;
    // Flink names it by the container's path, inside the volume.
    expect(taken).toMatch(new RegExp(`^file:(///|/)flink-data/savepoints/savepoint-${first.jobId!.slice(0, 6)}-`));
    const deleted = await env.cli(['delete', source, '-n', env.namespace, '--wait', '--timeout', '5m']);
    expect(ok(deleted)).toEqual({ code: 0, err: '' });
    const wanted = path.join(nodeFlinkData, 'savepoints', 'savepoint-45305c-d867504446e0');
    rmSync(wanted, { recursive: true, force: true });
    cpSync(path.join(nodeFlinkData, 'savepoints', path.basename(taken)), wanted, { recursive: true });

    const app = 'example-deployment';
    const record = await applied(path.join(fixtures, 'snapshot-job-from-savepoint.yaml'), app);
    const given = 'file:///flink-data/savepoints/savepoint-45305c-d867504446e0';
    expect(sameLocation(record.restoredFrom, given)).toBe(true);
    // Flink says so: the job restored from that savepoint, by the path the manifest gives.
    await expectRestoredFrom(env.namespace, app, record.jobId!, given);

    // snapshot-savepoint-job-full-spec.yaml, a FlinkStateSnapshot of example-deployment to
    // /flink-data/savepoints-custom in CANONICAL: as written, Flink declines that format of this job (its async
    // state), so the savepoint fails (exit 1, SavepointFailed) with the job running again, as under the Apache
    // operator. With NATIVE, it is taken where the snapshot says, on the node's volume, and recorded.
    const snapshot = path.join(fixtures, 'snapshot-savepoint-job-full-spec.yaml');
    const take = (file: string) =>
      env.cli(['apply', '-f', file, '-n', env.namespace, '--wait', '--timeout', '5m', '-o', 'json']);
    const declined = await take(snapshot);
    expect(declined.code).toBe(1);
    expect(JSON.parse(declined.stdout)).toMatchObject({ failureType: 'SavepointFailed' });
    const running = await flinkOf(env.namespace, app);
    await eventually('the job RUNNING again after the declined snapshot', async () =>
      (await running.jobDetails(record.jobId!)).state === 'RUNNING' ? true : undefined,
    );
    const native = await take(withText(snapshot, 'formatType: CANONICAL', 'formatType: NATIVE'));
    expect(ok(native)).toEqual({ code: 0, err: '' });
    const custom = (JSON.parse(native.stdout) as { savepoint: string }).savepoint;
    expect(custom).toMatch(/^file:(\/\/\/|\/)flink-data\/savepoints-custom\/savepoint-/);
    expect(existsSync(path.join(nodeFlinkData, 'savepoints-custom', path.basename(custom), '_metadata'))).toBe(true);
    const recorded = (await readRecord(env.namespace, app)).savepoints;
    expect(recorded.some((s) => s.kind === 'manual' && sameLocation(s.location, custom))).toBe(true);

    // The example asks no savepoint format: its final savepoint (canonical) is declined by Flink, as for
    // basic-reactive; the delete fails with the job running, and the user's way forward is --no-savepoint.
    const refused = await env.cli(['delete', app, '-n', env.namespace, '--wait', '--timeout', '5m', '-o', 'json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ failureType: 'SavepointFailed' });
    const flink = await flinkOf(env.namespace, app);
    await eventually('the job RUNNING again after the declined savepoint', async () =>
      (await flink.jobDetails(record.jobId!)).state === 'RUNNING' ? true : undefined,
    );
    const gone = await env.cli(['delete', app, '-n', env.namespace, '--no-savepoint', '--wait', '--timeout', '5m']);
    expect(ok(gone)).toEqual({ code: 0, err: '' });
  },
  25 * 60_000,
);
