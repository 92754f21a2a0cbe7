/**
 * The Apache Flink Kubernetes Operator's own `examples/basic.yaml` (a copy in
 * test/fixtures/apache-operator/, licence header kept), applied as written: `flink:2.2`,
 * `flinkVersion: v2_2`, Flink's StateMachineExample from /opt/flink/examples/streaming. It is
 * deployed, its job RUNS on Flink 2.2 (the node agent installs 2.2 from PyPI on first use), and a
 * savepoint of it completes.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { E2eEnv, eventually, flinkOf, localPathOf, readRecord, removeApp } from '../support/e2e';

const env = new E2eEnv('e2e-operator-basic');
beforeAll(() => env.setUp());
afterAll(() => env.tearDown());

const manifest = path.join(__dirname, '..', 'fixtures', 'apache-operator', 'basic.yaml');

test(
  'basic.yaml on flink:2.2: deployed, its StateMachineExample RUNNING, a savepoint taken',
  async () => {
    const app = 'basic-example';
    const applied = await env.cli(['apply', '-f', manifest, '-n', env.namespace, '--wait', '--timeout', '8m']);
    expect(applied.code).toBe(0);
    const record = await readRecord(env.namespace, app);
    expect(record.status).toBe('running');
    expect(record.lastStableSpec?.image).toBe('flink:2.2');
    const flink = await flinkOf(env.namespace, app);
    expect((await flink.version()).raw).toMatch(/^2\.2\./);
    const job = await flink.jobDetails(record.jobId!);
    expect(job.state).toBe('RUNNING');
    expect(job.name).toMatch(/State machine/i);
    expect(job.vertices.every((v) => v.status === 'RUNNING')).toBe(true);

    // basic.yaml names no savepoint directory (upgradeMode stateless), so the savepoint goes to one of
    // the test's, through Flink's REST API; NATIVE, as the example's async state requires (test/jobs/README.md).
    const triggerId = randomBytes(16).toString('hex');
    const targetDirectory = `file://${path.join(env.dir, 'savepoints')}`;
    await flink.triggerSavepoint({ jobId: record.jobId!, triggerId, targetDirectory, formatType: 'NATIVE' });
    const result = await eventually('the savepoint of basic-example', async () => {
      const r = await flink.savepointStatus(record.jobId!, triggerId);
      return r.kind === 'pending' ? undefined : r;
    });
    expect(result).toMatchObject({ kind: 'completed' });
    if (result.kind === 'completed')
      expect(existsSync(path.join(localPathOf(result.location), '_metadata'))).toBe(true);
    expect((await flink.jobDetails(record.jobId!)).state).toBe('RUNNING');
    await removeApp(env.namespace, app);
  },
  15 * 60_000,
);
