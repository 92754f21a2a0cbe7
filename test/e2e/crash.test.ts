/**
 * Crash survival: the worker is SIGKILLed at each step of a savepoint upgrade and restarted.
 * One application is upgraded three times in a row (one kill point each; each upgrade starts from
 * the generation the one before left running). Every time: the kill lands in the phase named (the
 * FlinkPhase the server holds, read after the kill, when nothing can move it), the upgrade finishes
 * correctly, every `takeSavepoint` the workflow scheduled carries the one recorded trigger id, the
 * counter continues from the savepoint, and at no sample do two JobManagers or two RUNNING jobs
 * exist (a sample whose REST call failed counts as unknown, never as zero jobs).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { operationWorkflowId } from '../../src/contract/ids';
import { watchForTwoJobs } from '../support/two-jobs-watcher';
import type { OperationResult } from '../../src/contract/operations';
import { continuity, countsByKey, E2eEnv, flinkOf, newCountsOfEveryKey, readRecord, removeApp } from '../support/e2e';
import { serverPhase, setUpWithTemporal, untilServerPhase } from '../support/e2e-temporal';

const env = new E2eEnv('e2e-crash');
const client = setUpWithTemporal(env);

/** The trigger id of every `takeSavepoint` the run scheduled (a retry re-runs the scheduled input). */
async function takeSavepointTriggerIds(handle: WorkflowHandle): Promise<string[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events
    .map((e) => e.activityTaskScheduledEventAttributes)
    .filter((a) => a?.activityType?.name === 'takeSavepoint')
    .map((a) => defaultPayloadConverter.fromPayload<{ triggerId: string }>(a!.input!.payloads![0]!).triggerId);
}

const savepointDirs = (app: string): string[] => {
  const dir = path.join(env.dir, app, 'savepoints');
  return existsSync(dir) ? readdirSync(dir).filter((d) => d.startsWith('savepoint-')) : [];
};

const app = 'crash';
const phases = ['Savepointing', 'Deploying', 'WaitingForStable'];
/** Generation g writes to its own output; the upgrade killed in phases[i] goes from generation i+1 to i+2. */
const output = (generation: number) => env.outputDir(app, `gen-${generation}`);
const parallelism = (generation: number) => (generation % 2 === 1 ? 2 : 3);

beforeAll(async () => {
  const applied = await env.cli([
    'apply',
    '-f',
    env.manifest(app, { parallelism: parallelism(1), output: output(1) }),
    '--wait',
    '--timeout',
    '5m',
  ]);
  expect(applied.code).toBe(0);
});
afterAll(() => removeApp(env.namespace, app));

test.each(phases.map((phase, i) => [phase, i + 1] as const))(
  'worker SIGKILLed in phase %s of a savepoint upgrade: the upgrade finishes correctly',
  async (phase, generation) => {
    const [oldOut, newOut] = [output(generation), output(generation + 1)];
    const first = await readRecord(env.namespace, app);
    expect(first.status).toBe('running');
    const before = savepointDirs(app);
    const known = new Set(first.savepoints.map((s) => s.location));
    await newCountsOfEveryKey(oldOut);

    const watcher = watchForTwoJobs(env.namespace, app);
    const next = env.manifest(app, { parallelism: parallelism(generation + 1), output: newOut });
    const started = await env.cli(['apply', '-f', next, '--no-wait']);
    expect(started.code).toBe(0);
    const handle = client.workflow.getHandle(operationWorkflowId({ namespace: env.namespace, name: app }));
    // Kill on entering the phase: the server's FlinkPhase is upserted in the same workflow task
    // that schedules the phase's activity; Deploying lasts under a second, so poll it fast.
    await untilServerPhase(handle, phase, 180_000);
    await env.killWorker();
    // With no worker, nothing moves the run: the phase the server holds now is the phase at kill time.
    expect({ phaseAtKill: await serverPhase(handle) }).toEqual({ phaseAtKill: phase });
    await new Promise((r) => setTimeout(r, 3000));
    expect({ phaseAfterKill: await serverPhase(handle) }).toEqual({ phaseAfterKill: phase });
    env.startWorker();
    const result = (await handle.result()) as OperationResult;
    const seen = await watcher.stop();

    expect(result.outcome).toBe('succeeded');
    const record = await readRecord(env.namespace, app);
    // This upgrade recorded exactly one savepoint.
    const upgradeSavepoints = record.savepoints.filter((s) => s.kind === 'upgrade' && !known.has(s.location));
    expect(upgradeSavepoints).toHaveLength(1);
    // One trigger, one savepoint: every takeSavepoint of the run carries the recorded trigger id...
    const triggerIds = await takeSavepointTriggerIds(handle);
    expect(triggerIds.length).toBeGreaterThan(0);
    expect(triggerIds).toEqual(triggerIds.map(() => upgradeSavepoints[0]?.triggerId));
    // ...and one savepoint folder was written.
    expect(savepointDirs(app).filter((d) => !before.includes(d))).toHaveLength(1);
    expect(upgradeSavepoints[0]?.jobId).toBe(first.jobId);
    const flink = await flinkOf(env.namespace, app);
    const restored = (await flink.checkpoints(record.jobId!)).latestRestored?.externalPath;
    expect(restored?.replace('file:///', 'file:/')).toBe(upgradeSavepoints[0]?.location.replace('file:///', 'file:/'));
    expect((await flink.jobDetails(record.jobId!)).state).toBe('RUNNING');
    // The counter continued from the savepoint: the new job's first count of every key = old last + 1.
    const keys = continuity(countsByKey(oldOut), await newCountsOfEveryKey(newOut));
    expect(keys).toEqual(keys.map((k) => ({ ...k, firstNew: k.lastOld! + 1 })));
    // The watcher reached the JobManagers (it saw both jobs RUNNING), and never two at once.
    expect([...seen.runningJobIds].sort()).toEqual(expect.arrayContaining([first.jobId, record.jobId]));
    expect(seen.answeredSamples).toBeGreaterThan(0);
    expect(seen.maxJobManagers).toBeLessThanOrEqual(1);
    expect(seen.maxRunningJobs).toBeLessThanOrEqual(1);
  },
);
