/**
 * A job's args are the job's, never Flink's launcher's: the JobManager's command line as jobManagerArgs renders it
 * (src/k8s/render/jobmanager-args.ts), run by a real Flink 2.3 `standalone-job`, with job args that are also
 * options of Flink's own parser (`-n` allowNonRestoredState, `-s` a savepoint to restore, `-D` configuration).
 * Flink hands them all to the job's main() (its parsed parameters, GET /jobs/:id/config), restores from nothing
 * and keeps its configuration. Before `--` went in front of them, Flink took `-n` as allowNonRestoredState
 * (an upgrade would drop unmatched state instead of failing) and `-s` as the savepoint to start from.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FlinkRestClient } from '../../../src/flink';
import { jobManagerArgs } from '../../../src/k8s/render';
import { stateMachineExample } from '../../support/counter-job';
import { newJobId, startFlinkCluster, type LocalFlinkCluster } from '../../support/local-flink';
import { pollUntil } from './poll';
import { counterSpec } from '../../support/counter-spec';

let base: string;
let cluster: LocalFlinkCluster | undefined;
beforeAll(() => {
  base = mkdtempSync(path.join(os.tmpdir(), 'fd-job-args-'));
});
afterAll(async () => {
  await cluster?.stop();
  rmSync(base, { recursive: true, force: true });
});

test("args that are Flink's own options reach the job's main(); Flink's restore and configuration kept", async () => {
  const spec = counterSpec();
  spec.job.jarURI = `file://${stateMachineExample.jar}`;
  spec.job.entryClass = stateMachineExample.mainClass;
  const jobArgs = ['-n', '-s', path.join(base, 'no-such-savepoint'), '-D', 'pipeline.name=from-args', '--rps', '50'];
  spec.job.args = jobArgs;
  const jobId = newJobId();
  const [command, ...args] = jobManagerArgs({ spec, jobId });
  expect(command).toBe('standalone-job');
  cluster = await startFlinkCluster({
    ip: '127.0.50.14',
    standaloneJobArgs: args,
    jobId,
    workDir: path.join(base, 'cluster'),
  });
  const flink = new FlinkRestClient({ baseUrl: cluster.restUrl });
  await pollUntil(
    'the job RUNNING',
    async () =>
      (await flink.listJobs().catch(() => [])).some((j) => j.id === jobId && j.status === 'RUNNING') ? true : undefined,
    90_000,
  );

  // The job's main() parsed them (StateMachineExample's ParameterTool, its global job parameters).
  const job = (await (await fetch(`${cluster.restUrl}/jobs/${jobId}/config`)).json()) as {
    name: string;
    'execution-config': { 'user-config': Record<string, string> };
  };
  expect(job['execution-config']['user-config']).toEqual({
    n: '__NO_VALUE_KEY',
    s: path.join(base, 'no-such-savepoint'),
    D: 'pipeline.name=from-args',
    rps: '50',
  });
  expect(job.name).toBe('State machine job');
  const config = await flink.jobManagerConfig();
  expect(config['execution.state-recovery.path']).toBeUndefined();
  expect(config['execution.state-recovery.ignore-unclaimed-state']).not.toBe('true');
  expect(config['pipeline.name']).toBeUndefined();
});
