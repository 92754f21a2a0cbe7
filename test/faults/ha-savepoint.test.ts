/**
 * Issue 10 §2, HA never fights our own restores: the JobManager pod is deleted right after the
 * upgrade's stop-with-savepoint completed, while the worker is held there (SIGKILLed the moment
 * Temporal records the savepoint activity's completion). The restarted JobManager must not run
 * the finished job again (its HA job result says it is done), and the new generation restores
 * from that savepoint, not from any HA metadata.
 */
import { temporal } from '@temporalio/proto';
import { operationWorkflowId } from '../../src/contract/ids';
import { core, E2eEnv, eventually, flinkOf, readRecord, removeApp, startsFromOne } from '../support/e2e';
import { setUpWithTemporal } from '../support/e2e-temporal';

const env = new E2eEnv('e2e-ha-sp');
const client = setUpWithTemporal(env);

const EventType = temporal.api.enums.v1.EventType;

/** Resolves when the workflow's history records a completed `activity` (long-polls the history). */
async function activityCompleted(workflowId: string, activity: string): Promise<void> {
  const scheduled = new Map<string, string>();
  let nextPageToken: Uint8Array | undefined;
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const page = await client.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId },
      waitNewEvent: true,
      ...(nextPageToken ? { nextPageToken } : {}),
    });
    for (const event of page.history?.events ?? []) {
      if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        scheduled.set(String(event.eventId), event.activityTaskScheduledEventAttributes?.activityType?.name ?? '');
      }
      if (
        event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED &&
        scheduled.get(String(event.activityTaskCompletedEventAttributes?.scheduledEventId)) === activity
      ) {
        return;
      }
    }
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  }
  throw new Error(`${activity} did not complete in ${workflowId}`);
}

const jobManagerSelector = (app: string) => `app.kubernetes.io/instance=${app},app.kubernetes.io/component=jobmanager`;

test(
  'JobManager deleted right after the stop-with-savepoint: no rerun of the finished job, the new generation ' +
    'restores from that savepoint',
  async () => {
    const app = 'counter';
    expect((await env.cli(['apply', '-f', env.manifest(app), '--wait', '--timeout', '5m'])).code).toBe(0);
    const first = await readRecord(env.namespace, app);
    const workflowId = operationWorkflowId({ namespace: env.namespace, name: app });

    const upgrade = env.cli([
      'apply',
      '-f',
      env.manifest(app, { extraArgs: ['--restart-attempts', '5'] }),
      '--wait',
      '--timeout',
      '8m',
    ]);
    await activityCompleted(workflowId, 'takeSavepoint');
    await env.killWorker();

    // Held right after the savepoint: the old generation's JobManager is still there.
    const pods = (await core.listNamespacedPod({ namespace: env.namespace, labelSelector: jobManagerSelector(app) }))
      .items;
    expect(pods.map((p) => p.metadata?.annotations?.['flink-deploy.io/generation'])).toEqual(['1']);
    await core.deleteNamespacedPod({ namespace: env.namespace, name: pods[0]!.metadata!.name! });
    // The JobManager restarts (same generation, same HA cluster id) and knows its job finished:
    // for 30 s after it answers, it runs no job (Flink's default job result store would let it
    // run the job again from the generation's start; the counts below would start over).
    await eventually('the restarted JobManager answering', async () => {
      const flink = await flinkOf(env.namespace, app).catch(() => undefined);
      return flink?.listJobs({ signal: AbortSignal.timeout(5000) }).catch(() => undefined);
    });
    for (const until = Date.now() + 30_000; Date.now() < until;) {
      const flink = await flinkOf(env.namespace, app).catch(() => undefined);
      const jobs = (await flink?.listJobs({ signal: AbortSignal.timeout(5000) }).catch(() => undefined)) ?? [];
      expect(jobs.filter((j) => j.status === 'RUNNING')).toEqual([]);
      await new Promise((r) => setTimeout(r, 1000));
    }

    env.startWorker();
    const result = await upgrade;
    expect(result.code).toBe(0);
    const record = await readRecord(env.namespace, app);
    const savepoint = record.savepoints.find((s) => s.kind === 'upgrade');
    expect(savepoint?.jobId).toBe(first.jobId);
    expect(record).toMatchObject({ generation: 2, restoredFrom: savepoint?.location });
    const restored = (await (await flinkOf(env.namespace, app)).checkpoints(record.jobId!)).latestRestored;
    expect(restored?.isSavepoint).toBe(true);
    expect(restored?.externalPath?.replace('file:///', 'file:/')).toBe(
      savepoint!.location.replace('file:///', 'file:/'),
    );
    for (const [key, ones] of startsFromOne(env.outputDir(app))) expect({ key, ones }).toEqual({ key, ones: 1 });
    await removeApp(env.namespace, app);
  },
);
