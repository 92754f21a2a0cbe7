/**
 * Issue 11 item 8 on the whole stack: a lock whose holder run is closed is released by the next
 * operation (checked against Temporal by workflow id and run id), `status` shows the holder, and
 * `flink-deploy unlock` releases the rest (a holder Temporal does not know), refusing while the
 * holder runs. The holders are real Temporal runs of the periodic savepoint workflow, started on a
 * task queue no worker polls (so they stay open exactly like a run stuck in a phase), and the lock
 * is taken in their name as the savepoint workflow's first step does.
 */
import { randomUUID } from 'node:crypto';
import { savepointScheduleId } from '../../src/contract/ids';
import { E2eEnv, eventually, kube, readRecord, removeApp } from '../support/e2e';
import { setUpWithTemporal } from '../support/e2e-temporal';

const env = new E2eEnv('e2e-lock');
const client = setUpWithTemporal(env);

test(
  'a terminated holder is released by the next apply; unlock releases a holder Temporal does not know, never ' +
    'a running one',
  async () => {
    const app = 'lock-holder';
    const where = { namespace: env.namespace, name: app };
    const holder = await client.workflow.start('savepoint', {
      taskQueue: `${env.taskQueue}-no-worker`,
      workflowId: `${savepointScheduleId(where)}-${randomUUID().slice(0, 8)}`,
      args: [{ app: where, kind: 'periodic' }],
    });
    const runId = holder.firstExecutionRunId;
    const lockAs = (workflowId: string, holderRunId: string) =>
      kube.records.acquireLock({
        namespace: env.namespace,
        app,
        workflowId,
        runId: holderRunId,
        operation: 'savepoint',
        phase: 'Savepointing',
      });
    await lockAs(holder.workflowId, runId);
    const manifest = env.manifest(app, { windowSeconds: 3, timeoutSeconds: 120 });

    // While the holder runs: apply and unlock refuse (exit 5) naming it; status shows it.
    const refused = await env.cli(['apply', '-f', manifest, '--wait', '--timeout', '2m']);
    expect(refused.code).toBe(5);
    expect(refused.stdout + refused.stderr).toContain(holder.workflowId);
    const notUnlocked = await env.cli(['unlock', app, '-n', env.namespace]);
    expect(notUnlocked.code).toBe(5);
    expect(notUnlocked.stderr).toContain(`run ${runId}`);
    const shown = await env.cli(['status', app, '-n', env.namespace, '-o', 'json']);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout).lock).toMatchObject({
      workflowId: holder.workflowId,
      runId,
      type: 'savepoint',
      phase: 'Savepointing',
      run: 'running',
    });

    // `apply --queue` waits behind it (item 12) instead of exit 5 at once.
    let queuedOutput = '';
    const queued = env.cli(['apply', '-f', manifest, '--queue', '--wait', '--timeout', '5m'], {
      onStdout: (text) => (queuedOutput = text),
    });
    await eventually('apply --queue waiting behind the holder', async () =>
      queuedOutput.includes('--queue: operation in progress') ? true : undefined,
    );

    // Terminated (as `temporal workflow terminate` does): the queued apply releases it and deploys.
    await holder.terminate('e2e: an operator terminates the periodic savepoint run');
    const applied = await queued;
    expect(applied.code).toBe(0);
    const afterApply = await readRecord(env.namespace, app);
    expect(afterApply.status).toBe('running');
    expect(afterApply.operation).toBeNull();
    const abandoned = afterApply.history.find((h) => h.workflowId === holder.workflowId);
    expect(abandoned).toMatchObject({ runId, outcome: 'abandoned', lastPhase: 'Savepointing' });
    expect(abandoned?.message).toContain('is closed (TERMINATED)');

    // A holder Temporal does not know (history gone): operations refuse, unlock releases it and records who.
    const ghost = { workflowId: `${savepointScheduleId(where)}-gone`, runId: randomUUID() };
    await lockAs(ghost.workflowId, ghost.runId);
    const savepointRefused = await env.cli(['savepoint', app, '-n', env.namespace, '--wait', '--timeout', '1m']);
    expect(savepointRefused.code).toBe(5);
    const ghostShown = await env.cli(['status', app, '-n', env.namespace]);
    expect(ghostShown.stdout).toMatch(
      /lock: +held by savepoint \(workflow \S+-gone, run \S+\), phase Savepointing, .* its run is unknown to Temporal .*flink-deploy unlock/,
    );
    const unlocked = await env.cli(['unlock', app, '-n', env.namespace]);
    expect(unlocked.code).toBe(0);
    expect(unlocked.stderr).toContain('unknown to Temporal');
    const afterUnlock = await readRecord(env.namespace, app);
    expect(afterUnlock.operation).toBeNull();
    expect(afterUnlock.history.at(-1)).toMatchObject({ workflowId: ghost.workflowId, outcome: 'unlocked' });
    expect(afterUnlock.history.at(-1)?.message).toMatch(/^unlocked by \S+@\S+ \(flink-deploy unlock\)/);
    expect((await env.cli(['unlock', app, '-n', env.namespace])).stderr).toContain('nothing to unlock');
    await removeApp(env.namespace, app);
  },
);
