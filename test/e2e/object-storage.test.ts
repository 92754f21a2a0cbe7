/**
 * Savepoints and checkpoints on object storage (docs/object-storage.md), on the whole local stack:
 * the counter job with `state.savepoints.dir` and `state.checkpoints.dir` on s3:// in the stack's
 * S3Proxy bucket, Flink's S3 plugin enabled with ENABLE_BUILT_IN_PLUGINS, the credentials from a
 * Kubernetes Secret. One application goes through a savepoint upgrade, suspend/resume and
 * retention; every check of what is stored lists the bucket through the S3 API itself.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import {
  appPodUids,
  continuity,
  core,
  countsByKey,
  E2eEnv,
  eventually,
  flinkOf,
  liveProcessesOfPods,
  markOutput,
  newCountsOfEveryKey,
  readRecord,
  removeApp,
} from '../support/e2e';
import { keyPrefixOf, listObjectKeys, s3Settings } from '../support/s3';
import { stack } from '../support/stack';

const env = new E2eEnv('e2e-s3');
const s3 = s3Settings();
const app = 'counter';
/** This test's folder in the bucket (a namespace is fresh per run). */
const base = `s3://${s3.bucket}/${env.namespace}/${app}`;
const wait = ['--wait', '--timeout', '5m'];

beforeAll(async () => {
  await env.setUp();
  // What a user keeps in a Secret: the keys the pods read as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
  await core.createNamespacedSecret({
    namespace: env.namespace,
    body: { metadata: { name: 'flink-s3' }, stringData: { 'access-key': s3.accessKey, 'secret-key': s3.secretKey } },
  });
});
afterAll(async () => {
  // A test cut short (a timeout) leaves its savepoint schedule: remove it before the namespace.
  await env.cli(['schedule', 'delete', app, '-n', env.namespace]);
  await env.tearDown();
});

/** The counter manifest with its state on s3:// (the keys docs/object-storage.md names), writing to `output`. */
function s3Manifest(output: string, parallelism: number): string {
  // A JobManager loading the S3 plugin on a loaded 2-core machine may take minutes to start.
  const file = env.manifest(app, { output, parallelism, timeoutSeconds: 300 });
  const doc = parse(readFileSync(file, 'utf8')) as { spec: Record<string, unknown> };
  const config = doc.spec.flinkConfiguration as Record<string, string>;
  delete config['execution.checkpointing.savepoint-dir'];
  delete config['execution.checkpointing.dir'];
  Object.assign(config, {
    'state.savepoints.dir': `${base}/savepoints`,
    'state.checkpoints.dir': `${base}/checkpoints`,
    's3.endpoint': s3.endpoint,
    's3.path.style.access': 'true',
  });
  const fromSecret = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: 'flink-s3', key } } });
  doc.spec.podTemplate = {
    spec: {
      containers: [
        {
          name: 'flink-main-container',
          env: [
            { name: 'ENABLE_BUILT_IN_PLUGINS', value: `flink-s3-fs-presto-${stack.flinkVersion}.jar` },
            fromSecret('AWS_ACCESS_KEY_ID', 'access-key'),
            fromSecret('AWS_SECRET_ACCESS_KEY', 'secret-key'),
          ],
        },
      ],
    },
  };
  writeFileSync(file, stringify(doc));
  return file;
}

/** The keys of the objects under an s3:// location of the bucket (a folder: its `/` added). */
const objectsUnder = (location: string) => listObjectKeys(`${keyPrefixOf(location, s3).replace(/\/*$/, '')}/`, s3);

test(
  'on s3://: checkpoints and savepoints are objects in the bucket; a savepoint upgrade and suspend/resume ' +
    'restore from THOSE savepoints with every count continued; retention deletes the disposed ones',
  async () => {
    const [out1, out2] = [env.outputDir(app, 'gen-1'), env.outputDir(app, 'gen-2')];
    expect((await env.cli(['apply', '-f', s3Manifest(out1, 2), ...wait])).code).toBe(0);
    const first = await readRecord(env.namespace, app);
    await newCountsOfEveryKey(out1);
    // Checkpoints go to the bucket (the job checkpoints every 2 s): a `_metadata` under the job's folder.
    await eventually(
      `a completed checkpoint of job ${first.jobId} in ${base}/checkpoints`,
      async () => {
        const keys = await objectsUnder(`${base}/checkpoints/${first.jobId}`);
        return keys.some((k) => /\/chk-\d+\/_metadata$/.test(k)) ? keys : undefined;
      },
      60_000,
    );

    // 1. Savepoint upgrade (parallelism 2 → 3): the new job restores from the s3:// savepoint.
    expect((await env.cli(['apply', '-f', s3Manifest(out2, 3), ...wait])).code).toBe(0);
    const upgraded = await readRecord(env.namespace, app);
    const upgradeSavepoint = upgraded.restoredFrom!;
    expect(upgradeSavepoint.startsWith(`${base}/savepoints/savepoint-`)).toBe(true);
    expect(await objectsUnder(upgradeSavepoint)).toContain(`${keyPrefixOf(upgradeSavepoint, s3)}/_metadata`);
    let flink = await flinkOf(env.namespace, app);
    const restored = (await flink.checkpoints(upgraded.jobId!)).latestRestored;
    expect(restored).toMatchObject({ isSavepoint: true, externalPath: upgradeSavepoint });
    const upgradeKeys = continuity(countsByKey(out1), await newCountsOfEveryKey(out2));
    expect(upgradeKeys).toEqual(upgradeKeys.map((k) => ({ ...k, firstNew: k.lastOld! + 1 })));
    expect(upgradeKeys.every((k) => k.lastOld! > 1)).toBe(true);

    // 2. Suspend, then resume from the suspend savepoint in the bucket.
    const podUids = await appPodUids(env.namespace, app);
    expect((await env.cli(['suspend', app, '-n', env.namespace, ...wait])).code).toBe(0);
    const suspendSavepoint = (await readRecord(env.namespace, app)).savepoints.find((s) => s.kind === 'suspend')!;
    expect(suspendSavepoint.location.startsWith(`${base}/savepoints/`)).toBe(true);
    expect(await objectsUnder(suspendSavepoint.location)).toContain(
      `${keyPrefixOf(suspendSavepoint.location, s3)}/_metadata`,
    );
    // The suspended job's processes are gone: its counts are final; what follows is the resumed job's.
    await eventually(
      'no process of the suspended job left',
      async () => (liveProcessesOfPods(podUids).length === 0 ? true : undefined),
      60_000,
    );
    const beforeResume = countsByKey(out2);
    const mark = markOutput(out2);
    expect((await env.cli(['resume', app, '-n', env.namespace, ...wait])).code).toBe(0);
    const resumed = await readRecord(env.namespace, app);
    expect(resumed.restoredFrom).toBe(suspendSavepoint.location);
    flink = await flinkOf(env.namespace, app);
    expect((await flink.checkpoints(resumed.jobId!)).latestRestored).toMatchObject({
      isSavepoint: true,
      externalPath: suspendSavepoint.location,
    });
    const resumeKeys = continuity(beforeResume, await newCountsOfEveryKey(out2, { since: mark }));
    expect(resumeKeys).toEqual(resumeKeys.map((k) => ({ ...k, firstNew: k.lastOld! + 1 })));

    // 3. Retention (--keep 1): the first periodic run disposes the upgrade savepoint through Flink (the
    // suspend one is the running job's restore source, spared); the objects leave the bucket, the kept stay.
    const schedule = await env.cli([
      'schedule',
      'savepoints',
      app,
      '-n',
      env.namespace,
      '--every',
      '10s',
      '--keep',
      '1',
    ]);
    expect(schedule.code).toBe(0);
    try {
      await eventually(
        'the upgrade savepoint disposed by retention',
        async () => {
          const r = await readRecord(env.namespace, app);
          return r.savepoints.some((s) => s.disposed && s.location === upgradeSavepoint) ? true : undefined;
        },
        150_000,
      );
    } finally {
      expect((await env.cli(['schedule', 'delete', app, '-n', env.namespace])).code).toBe(0);
    }
    const record = await eventually(
      'no operation or disposal in flight',
      async () => {
        const r = await readRecord(env.namespace, app);
        return r.operation === null && !r.savepoints.some((s) => s.disposalPending) ? r : undefined;
      },
      60_000,
    );
    const disposed = record.savepoints.filter((s) => s.disposed);
    expect(disposed.map((s) => s.location)).toContain(upgradeSavepoint);
    for (const s of disposed)
      expect({ location: s.location, objects: await objectsUnder(s.location) }).toEqual({
        location: s.location,
        objects: [],
      });
    // Disposing one again (a retry whose first answer was lost): Flink finds nothing left under the prefix.
    flink = await flinkOf(env.namespace, app);
    const again = await flink.disposeSavepoint({ savepointPath: upgradeSavepoint });
    expect(
      await eventually('the second disposal to end', async () => {
        const status = await flink.disposalStatus(again.triggerId);
        return status.kind === 'pending' ? undefined : status;
      }),
    ).toMatchObject({ kind: 'not-found' });
    const kept = record.savepoints.filter((s) => !s.disposed);
    expect(kept.map((s) => s.location)).toContain(suspendSavepoint.location);
    for (const s of kept) expect(await objectsUnder(s.location)).toContain(`${keyPrefixOf(s.location, s3)}/_metadata`);
    await removeApp(env.namespace, app);
  },
  // Three JobManager starts with the S3 plugin: minutes each on a loaded 2-core machine.
  900_000,
);
