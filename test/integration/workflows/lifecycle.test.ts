/**
 * Every branch of the lifecycle workflows, with in-memory activities on the time-skipping
 * test server: rollback, rollback failing too, savepoint failure with and without the
 * checkpoint fallback, the lock taken, last-state and stateless, suspend/resume, retention.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadAppSpec, parseAppSpec } from '../../../src/spec';
import type { AppSpec } from '../../../src/spec';
import { FailureType } from '../../../src/contract/failures';
import { apply, resume, savepoint, suspend } from '../../../src/workflows';
import { eventually } from '../../support/eventually';
import { InMemoryCluster } from '../../support/in-memory-activities';
import { workflowRunner } from '../../support/workflow-env';
import { failureOf } from '../../support/workflow-failure';
import { counterManifest, counterSpec } from '../../support/counter-spec';

const baseSpec = counterSpec();
const app = { namespace: baseSpec.namespace, name: baseSpec.name };
const withSpec = (patch: (s: AppSpec) => void): AppSpec => {
  const s = structuredClone(baseSpec);
  patch(s);
  return s;
};
const v2 = withSpec((s) => {
  s.image = 'flink:2.3-v2';
  s.job.parallelism = 4;
});

const kit = workflowRunner('counter');

async function deployed(): Promise<InMemoryCluster> {
  const cluster = new InMemoryCluster();
  const result = await kit.run(cluster, apply, { spec: baseSpec });
  expect(result.outcome).toBe('succeeded');
  return cluster;
}

test(
  'apply deploys first, then upgrades from the savepoint ' + 'whose trigger id was recorded before the stop',
  async () => {
    const cluster = await deployed();
    expect(cluster.record?.lastStableSpec?.image).toBe('flink:2.3');
    const firstJob = cluster.record!.jobId!;

    const result = await kit.run(cluster, apply, { spec: v2 });

    expect(result).toMatchObject({ operation: 'upgrade', outcome: 'succeeded' });
    const begin = cluster.calls.filter((c) => c.name === 'beginOperation').at(-1)!.input as {
      intent: { triggerId: string };
    };
    const stop = cluster.calls.find((c) => c.name === 'takeSavepoint')!.input as {
      triggerId: string;
      stop: boolean;
      jobId: string;
    };
    expect(stop).toMatchObject({ triggerId: begin.intent.triggerId, stop: true, jobId: firstJob });
    expect(
      cluster.calls.findIndex(
        (c) => c.name === 'beginOperation' && c === cluster.calls.filter((x) => x.name === 'beginOperation').at(-1),
      ),
    ).toBeLessThan(cluster.calls.findIndex((c) => c.name === 'takeSavepoint'));
    const newJob = cluster.jobs.at(-1)!;
    expect(newJob.restoredFrom).toBe(result.restoredFrom);
    expect(result.restoredFrom).toBe(`file:///sp/savepoint-${begin.intent.triggerId.slice(0, 6)}`);
    expect(cluster.runningJobs()).toEqual([newJob]);
    expect(cluster.record).toMatchObject({ status: 'running', jobId: newJob.jobId, generation: 2, operation: null });
    expect(cluster.record?.lastStableSpec?.image).toBe('flink:2.3-v2');
    expect(cluster.record?.history.map((h) => h.outcome)).toEqual(['succeeded', 'succeeded']);
  },
);

test('applying the same spec again changes nothing', async () => {
  const cluster = await deployed();
  const result = await kit.run(cluster, apply, { spec: baseSpec });
  expect(result.outcome).toBe('no-change');
  expect(cluster.calls.filter((c) => c.name === 'applyApplication')).toHaveLength(1);
});

test('a new version that fails is rolled back to the last stable spec from the SAME savepoint', async () => {
  const cluster = await deployed();
  cluster.script.failingImages = ['flink:2.3-v2'];

  const failure = await failureOf(kit.run(cluster, apply, { spec: v2 }));

  expect(failure.type).toBe(FailureType.UpgradeRolledBack);
  expect(failure.message).toMatch(/upgrade failed, rolled back: job \w+ FAILED: ClassNotFoundException/);
  const applies = cluster.calls
    .filter((c) => c.name === 'applyApplication')
    .map((c) => c.input as { spec: AppSpec; restore?: { path: string } });
  expect(applies.map((a) => a.spec.image)).toEqual(['flink:2.3', 'flink:2.3-v2', 'flink:2.3']);
  expect(applies[2]!.restore?.path).toBe(applies[1]!.restore?.path);
  expect(cluster.runningJobs()).toHaveLength(1);
  expect(cluster.runningJobs()[0]!.image).toBe('flink:2.3');
  expect(cluster.record).toMatchObject({ status: 'running', operation: null });
  expect(cluster.record?.lastAppliedSpec?.image).toBe('flink:2.3');
  expect(cluster.record?.history.at(-1)).toMatchObject({ outcome: 'rolled-back' });
});

test('when the rollback fails too, it says so and never claims "rolled back"', async () => {
  const cluster = await deployed();
  cluster.script.failingImages = ['flink:2.3-v2', 'flink:2.3'];

  const failure = await failureOf(kit.run(cluster, apply, { spec: v2 }));

  expect(failure.type).toBe(FailureType.RollbackFailed);
  expect(failure.message).toContain('the rollback failed too');
  expect(failure.message).toContain('NOT running a stable version');
  expect(cluster.record).toMatchObject({ status: 'failed', operation: null });
  // The last phase recorded is the failed rollback's own wait for stability.
  expect(cluster.record?.history.at(-1)).toMatchObject({ outcome: 'failed', lastPhase: 'WaitingForStable' });
});

test('a failed savepoint tears nothing down and fails with SavepointFailed', async () => {
  const cluster = await deployed();
  const running = cluster.runningJobs()[0]!;
  cluster.script.savepointFails = true;

  const failure = await failureOf(kit.run(cluster, apply, { spec: v2 }));

  expect(failure.type).toBe(FailureType.SavepointFailed);
  expect(cluster.runningJobs()).toEqual([running]);
  expect(cluster.calls.filter((c) => c.name === 'applyApplication')).toHaveLength(1);
  expect(cluster.calls.filter((c) => c.name === 'cancelJob')).toHaveLength(0);
  expect(cluster.record).toMatchObject({ status: 'running', jobId: running.jobId, operation: null });
  // The phase was recorded before the savepoint was triggered, and is the one the operation ended in.
  const names = cluster.calls.map((c) => c.name);
  const phaseWrite = cluster.calls.findIndex(
    (c) => c.name === 'updateRecord' && JSON.stringify(c.input).includes('"phase":"Savepointing"'),
  );
  expect(phaseWrite).toBeGreaterThan(-1);
  expect(phaseWrite).toBeLessThan(names.indexOf('takeSavepoint'));
  expect(cluster.record?.history.at(-1)).toMatchObject({ outcome: 'failed', lastPhase: 'Savepointing' });
});

test('the checkpoint fallback is used only when the spec allows it and the checkpoint is young enough', async () => {
  const allowFallback = withSpec((s) => {
    s.image = 'flink:2.3-v2';
    s.savepointFallback = { allowCheckpoint: true, maxCheckpointAgeSeconds: 60 };
  });
  const cluster = await deployed();
  cluster.script.savepointFails = true;

  cluster.script.checkpoint = {
    id: 4,
    location: 'file:///cp/chk-4',
    completedAt: Date.now() - 10 * 60_000,
    ageSeconds: 600,
  };
  const refused = await failureOf(kit.run(cluster, apply, { spec: allowFallback }));
  expect(refused.type).toBe(FailureType.SavepointFailed);
  expect(refused.message).toMatch(
    /checkpoint fallback was refused: the latest checkpoint is \d+s old, more than the allowed 60s/,
  );
  expect(cluster.runningJobs()).toHaveLength(1);

  cluster.script.checkpoint = { id: 9, location: 'file:///cp/chk-9', completedAt: Date.now(), ageSeconds: 1 };
  const result = await kit.run(cluster, apply, { spec: allowFallback });
  expect(result).toMatchObject({ outcome: 'succeeded', restoredFrom: 'file:///cp/chk-9' });
  expect(cluster.record?.savepoints.at(-1)).toMatchObject({ location: 'file:///cp/chk-9', kind: 'checkpoint' });
});

test(
  'last-state restores from the latest checkpoint, and ' + 'refuses (tearing nothing down) when there is none',
  async () => {
    const lastState = withSpec((s) => {
      s.image = 'flink:2.3-v2';
      s.job.upgradeMode = 'last-state';
    });
    const cluster = await deployed();
    const none = await failureOf(kit.run(cluster, apply, { spec: lastState }));
    expect(none.type).toBe(FailureType.NoCheckpoint);
    expect(cluster.calls.filter((c) => c.name === 'cancelJob')).toHaveLength(0);

    cluster.script.checkpoint = { id: 12, location: 'file:///cp/chk-12', completedAt: Date.now(), ageSeconds: 1 };
    const result = await kit.run(cluster, apply, { spec: lastState });
    expect(result).toMatchObject({ outcome: 'succeeded', restoredFrom: 'file:///cp/chk-12' });
    expect(cluster.calls.filter((c) => c.name === 'takeSavepoint')).toHaveLength(0);
  },
);

test('stateless cancels and deploys fresh', async () => {
  const cluster = await deployed();
  const result = await kit.run(cluster, apply, {
    spec: withSpec((s) => {
      s.image = 'flink:2.3-v2';
      s.job.upgradeMode = 'stateless';
    }),
  });
  expect(result.outcome).toBe('succeeded');
  expect(result.restoredFrom).toBeUndefined();
  expect(cluster.calls.filter((c) => c.name === 'cancelJob')).toHaveLength(1);
  expect(cluster.jobs.at(-1)?.restoredFrom).toBeUndefined();
});

test(
  'a lock held by another operation: an upgrade fails with OperationInProgress, a periodic savepoint is ' +
    'skipped and says why',
  async () => {
    const cluster = await deployed();
    cluster.record = {
      ...cluster.record!,
      operation: {
        workflowId: 'flink-deploy/default/counter-other',
        runId: 'r',
        type: 'upgrade',
        phase: 'Savepointing',
        startedAt: new Date().toISOString(),
      },
    };

    const failure = await failureOf(kit.run(cluster, apply, { spec: v2 }));
    expect(failure.type).toBe(FailureType.OperationInProgress);
    expect(failure.message).toContain(
      'operation in progress: upgrade (workflow flink-deploy/default/counter-other, phase Savepointing, since ',
    );

    const skipped = await kit.run(cluster, savepoint, { app, kind: 'periodic', retention: { keep: 2 } });
    expect(skipped.outcome).toBe('skipped');
    expect(skipped.message).toContain(
      'periodic savepoint skipped: operation in progress: upgrade (workflow ' +
        'flink-deploy/default/counter-other, phase Savepointing,',
    );
    expect(cluster.triggers).toHaveLength(0);
    expect(cluster.record?.operation?.workflowId).toBe('flink-deploy/default/counter-other');
  },
);

test('suspend stops with a savepoint and removes the deployments; resume restores from it', async () => {
  const cluster = await deployed();
  const suspended = await kit.run(cluster, suspend, { app });
  expect(suspended.outcome).toBe('succeeded');
  expect(cluster.runningJobs()).toHaveLength(0);
  expect(cluster.record?.status).toBe('suspended');

  const resumed = await kit.run(cluster, resume, { app });
  expect(resumed.restoredFrom).toBe(suspended.savepoint);
  expect(cluster.runningJobs()[0]?.restoredFrom).toBe(suspended.savepoint);
});

test('an upgrade asks its stop-with-savepoint in the format the new spec names (which reads it)', async () => {
  const cluster = await deployed();
  const native = withSpec((s) => {
    s.image = 'flink:2.3-v2';
    s.flinkConfiguration['kubernetes.operator.savepoint.format.type'] = 'NATIVE';
  });
  expect((await kit.run(cluster, apply, { spec: native })).outcome).toBe('succeeded');
  const asked = cluster.calls.filter((c) => c.name === 'takeSavepoint').map((c) => c.input);
  expect(asked).toEqual([expect.objectContaining({ stop: true, formatType: 'NATIVE' })]);
  // Without the key: none asked, so the activity takes the running job's (its recorded spec's).
  cluster.calls = [];
  expect((await kit.run(cluster, apply, { spec: v2 })).outcome).toBe('succeeded');
  const plain = cluster.calls.filter((c) => c.name === 'takeSavepoint').map((c) => c.input);
  expect(plain).toHaveLength(1);
  expect(plain[0]).not.toHaveProperty('formatType');
});

test('a manual savepoint in the directory and format a FlinkStateSnapshot names; bad ones refused', async () => {
  const cluster = await deployed();
  const input = { app, kind: 'manual' as const, targetDirectory: '/flink-data/savepoints-custom' };
  const taken = await kit.run(cluster, savepoint, { ...input, formatType: 'CANONICAL' as const });
  expect(taken.outcome).toBe('succeeded');
  const asked = cluster.calls.filter((c) => c.name === 'takeSavepoint').map((c) => c.input);
  const where = { targetDirectory: '/flink-data/savepoints-custom', formatType: 'CANONICAL' };
  expect(asked).toEqual([expect.objectContaining({ stop: false, ...where })]);
  // A format Flink has not, or a directory with credentials, started by hand: InvalidSpec, nothing asked of Flink.
  cluster.calls = [];
  for (const bad of [
    { ...input, formatType: 'ZIP' },
    { ...input, targetDirectory: 's3://AKIA:secret@bucket/savepoints' },
    // Flink refuses file://localhost/… as any file://<host>/… (patch spec-checks-3).
    { ...input, targetDirectory: 'file://localhost/flink-data/savepoints' },
  ]) {
    const failure = await failureOf(kit.run(cluster, savepoint, bad as unknown as typeof input));
    expect(failure.type).toBe('InvalidSpec');
  }
  expect(cluster.calls.filter((c) => c.name === 'takeSavepoint')).toEqual([]);
});

test('a run started by hand with an option value Flink cannot read: InvalidSpec naming it, nothing asked', async () => {
  const cluster = new InMemoryCluster();
  const unreadable = withSpec((s) => {
    const manifest = s.manifest as { spec: { flinkConfiguration: Record<string, string> } };
    manifest.spec.flinkConfiguration['execution.checkpointing.mode'] = 'exactly-once';
    s.flinkConfiguration['execution.checkpointing.mode'] = 'exactly-once';
  });
  const failure = await failureOf(kit.run(cluster, apply, { spec: unreadable }));
  expect(failure.type).toBe('InvalidSpec');
  expect(failure.message).toContain(
    'spec.flinkConfiguration["execution.checkpointing.mode"]: execution.checkpointing.mode is "exactly-once": ' +
      'Flink reads one of EXACTLY_ONCE, AT_LEAST_ONCE (any case)',
  );
  expect(cluster.calls).toEqual([]);
  expect(cluster.record).toBeUndefined();
});

test('a run started by hand with a manifest Flink cannot launch: InvalidSpec naming it, nothing asked', async () => {
  const cluster = new InMemoryCluster();
  const unlaunchable = withSpec((s) => {
    const manifest = s.manifest as { spec: { flinkConfiguration: Record<string, string> } };
    manifest.spec.flinkConfiguration['taskmanager.numberOfTaskSlots'] = '3000000000';
    s.slotsPerTaskManager = 3_000_000_000;
  });
  const failure = await failureOf(kit.run(cluster, apply, { spec: unlaunchable }));
  expect(failure.type).toBe('InvalidSpec');
  expect(failure.message).toContain(
    'spec.flinkConfiguration["taskmanager.numberOfTaskSlots"]: taskmanager.numberOfTaskSlots is 3000000000: Flink ' +
      'reads it as a 32-bit integer, at most 2147483647',
  );
  expect(cluster.calls).toEqual([]);
  expect(cluster.record).toBeUndefined();
});

test('a run started by hand with credentials in a state directory: InvalidSpec naming it, nothing asked', async () => {
  const cluster = new InMemoryCluster();
  const key = 'execution.checkpointing.dir';
  const withCredentials = withSpec((s) => {
    const manifest = s.manifest as { spec: { flinkConfiguration: Record<string, string> } };
    manifest.spec.flinkConfiguration[key] = 's3://AKIA:secret@bucket/checkpoints';
    s.flinkConfiguration[key] = 's3://AKIA:secret@bucket/checkpoints';
  });
  const failure = await failureOf(kit.run(cluster, apply, { spec: withCredentials }));
  expect(failure.type).toBe('InvalidSpec');
  expect(failure.message).toContain(
    `spec.flinkConfiguration["${key}"]: "s3://AKIA:***@bucket/checkpoints" carries credentials (user:password@)`,
  );
  expect(failure.message).not.toContain('secret@');
  expect(cluster.calls).toEqual([]);
  expect(cluster.record).toBeUndefined();
});

test('a run started by hand with a stability timeout over 2 hours: InvalidSpec, nothing asked', async () => {
  const cluster = new InMemoryCluster();
  const days = withSpec((s) => {
    (s.manifest as { spec: object }).spec = {
      ...(s.manifest as { spec: object }).spec,
      flinkDeploy: { stability: { timeoutSeconds: 86_400 } },
    };
    s.stability.timeoutSeconds = 86_400;
  });
  const failure = await failureOf(kit.run(cluster, apply, { spec: days }));
  expect(failure.type).toBe('InvalidSpec');
  expect(failure.message).toContain('spec.flinkDeploy.stability.timeoutSeconds: timeoutSeconds is 86400');
  // The spec's own timeout over the bound, its manifest's not: refused too.
  const specOnly = withSpec((s) => (s.stability.timeoutSeconds = 86_400));
  const again = await failureOf(kit.run(cluster, apply, { spec: specOnly }));
  expect(again.message).toContain('stability.timeoutSeconds must be at most 7200');
  expect(cluster.calls).toEqual([]);
});

test('a session job started by hand, its stability timeout not longer than its window: InvalidSpec', async () => {
  const parsed = parseAppSpec(
    readFileSync(path.join(__dirname, '../../fixtures/apache-operator/basic-session-job-only.yaml'), 'utf8'),
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const withStability = (windowSeconds: number, timeoutSeconds: number): AppSpec => {
    const s = structuredClone(parsed.spec);
    const manifest = s.manifest as { spec: object };
    manifest.spec = { ...manifest.spec, flinkDeploy: { stability: { windowSeconds, timeoutSeconds } } };
    s.stability = { ...s.stability, windowSeconds, timeoutSeconds };
    return s;
  };
  const cluster = new InMemoryCluster();
  // The wait would give up before the window ends (patch spec-checks-4; a FlinkDeployment's always refused).
  const failure = await failureOf(kit.run(cluster, apply, { spec: withStability(600, 300) }));
  expect(failure.type).toBe('InvalidSpec');
  expect(failure.message).toContain(
    'spec.flinkDeploy.stability.timeoutSeconds: timeoutSeconds (300) must be longer than windowSeconds (600)',
  );
  expect(cluster.calls).toEqual([]);
  expect(cluster.record).toBeUndefined();
  // The spec's own stability edited so, its manifest's valid (of a FlinkDeployment too): refused the same.
  for (const edited of [withStability(600, 601), baseSpec]) {
    const specOnly = structuredClone(edited);
    specOnly.stability = { ...specOnly.stability, windowSeconds: 400, timeoutSeconds: 400 };
    const again = await failureOf(kit.run(cluster, apply, { spec: specOnly }));
    expect(again.type).toBe('InvalidSpec');
    expect(again.message).toContain('stability.timeoutSeconds (400) must be longer than stability.windowSeconds (400)');
  }
  expect(cluster.calls).toEqual([]);
  // A timeout longer than the window: deployed.
  expect((await kit.run(cluster, apply, { spec: withStability(600, 601) })).outcome).toBe('succeeded');
});

test("a manifest restoring from file:/… (Flink's own form of a local path): deployed from THAT savepoint", async () => {
  // Taken since patch spec-checks-5; a run started before, refused InvalidSpec, replays so (replay.test.ts).
  const restore = 'file:/tmp/flink-deploy/savepoints/savepoint-2a0737-ca360f6a0b00';
  const spec = loadAppSpec(
    counterManifest
      .replace('execution.checkpointing.dir: file:///', 'execution.checkpointing.dir: file:/')
      .replace('    state: running\n', `    state: running\n    initialSavepointPath: ${restore}\n`),
  );
  expect(spec.job.initialSavepointPath).toBe(restore);
  const cluster = new InMemoryCluster();
  const result = await kit.run(cluster, apply, { spec });
  expect(result).toMatchObject({ operation: 'deploy', outcome: 'succeeded', restoredFrom: restore });
  expect(cluster.jobs.map((j) => j.restoredFrom)).toEqual([restore]);
  expect(cluster.record).toMatchObject({ status: 'running', generation: 1 });
});

/** The base spec on Flink `major.minor` (its manifest too), with `key: value` in its configuration. */
const onFlink = (major: number, minor: number, key: string, value: string) =>
  withSpec((s) => {
    const manifest = s.manifest as { spec: { flinkVersion: string; image: string; flinkConfiguration: object } };
    const image = `flink:${major}.${minor}`;
    Object.assign(manifest.spec, { flinkVersion: `v${major}_${minor}`, image });
    Object.assign(s, { flinkVersion: { major, minor }, image });
    manifest.spec.flinkConfiguration = { ...manifest.spec.flinkConfiguration, [key]: value };
    s.flinkConfiguration[key] = value;
  });

test('a Flink 1.19 manifest, by its own types: a duration where 1.19 reads milliseconds is InvalidSpec', async () => {
  const cluster = new InMemoryCluster();
  const failure = await failureOf(kit.run(cluster, apply, { spec: onFlink(1, 19, 'heartbeat.timeout', '50 s') }));
  expect(failure.type).toBe('InvalidSpec');
  expect(failure.message).toContain('heartbeat.timeout is "50 s": Flink reads a whole number (64-bit)');
  expect(cluster.calls).toEqual([]);
  // The same on 1.20, which reads a duration there: deployed.
  expect((await kit.run(cluster, apply, { spec: onFlink(1, 20, 'heartbeat.timeout', '50 s') })).outcome).toBe(
    'succeeded',
  );
});

test('suspend of a stateless job whose savepoint fails: cancelled, saying why', async () => {
  const stateless = withSpec((s) => {
    s.job.upgradeMode = 'stateless';
  });
  const cluster = new InMemoryCluster();
  await kit.run(cluster, apply, { spec: stateless });
  cluster.calls = [];
  cluster.script.savepointFails = true;
  const suspended = await kit.run(cluster, suspend, { app });
  expect(suspended.outcome).toBe('succeeded');
  expect(suspended.savepoint).toBeUndefined();
  expect(suspended.message).toMatch(
    /no savepoint \(.+\): the job is stateless \(upgradeMode stateless\), so it was cancelled/,
  );
  const names = cluster.calls.map((c) => c.name);
  expect(names.indexOf('cancelJob')).toBeGreaterThan(names.indexOf('takeSavepoint'));
  expect(cluster.runningJobs()).toHaveLength(0);
  expect(cluster.record?.status).toBe('suspended');
  // Resumed without state, as a stateless job always is.
  cluster.script.savepointFails = false;
  expect((await kit.run(cluster, resume, { app })).restoredFrom).toBeUndefined();
  expect(cluster.runningJobs()).toHaveLength(1);
});

test('suspend of a job with state whose savepoint fails: fails, the job running untouched', async () => {
  const cluster = await deployed();
  cluster.script.savepointFails = true;
  expect((await failureOf(kit.run(cluster, suspend, { app }))).type).toBe(FailureType.SavepointFailed);
  expect(cluster.calls.map((c) => c.name)).not.toContain('cancelJob');
  expect(cluster.runningJobs()).toHaveLength(1);
  expect(cluster.record).toMatchObject({ status: 'running', operation: null });
});

test(
  'periodic savepoints dispose beyond retention, never ' + 'the restore source, and retry a failed disposal',
  async () => {
    const cluster = await deployed();
    const taken: string[] = [];
    for (let i = 0; i < 3; i++)
      taken.push((await kit.run(cluster, savepoint, { app, kind: 'periodic', retention: { keep: 2 } })).savepoint!);
    expect(cluster.disposedLocations).toEqual([taken[0]]);

    cluster.script.disposalFails = [taken[1]!];
    const fourth = await kit.run(cluster, savepoint, { app, kind: 'periodic', retention: { keep: 2 } });
    expect(fourth.message).toContain('1 disposal(s) failed and will be retried');
    expect(cluster.record?.savepoints.find((s) => s.location === taken[1])).toMatchObject({
      disposalPending: true,
      disposeError: 'disposal refused',
    });

    cluster.script.disposalFails = [];
    await kit.run(cluster, savepoint, { app, kind: 'periodic', retention: { keep: 2 } });
    expect(cluster.disposedLocations).toContain(taken[1]);
    expect(cluster.record?.savepoints.find((s) => s.location === taken[1])).toMatchObject({ disposed: true });
  },
);

/** The upgrade to v2 of `cluster`, cancelled once `reached` (the point, in words) holds; the failure it ends in. */
function upgradeCancelledWhen(cluster: InMemoryCluster, point: string, reached: () => boolean) {
  return failureOf(
    kit.withWorker(cluster.activities(), async (taskQueue) => {
      const handle = await kit.env.client.workflow.start(apply, {
        taskQueue,
        workflowId: kit.nextWorkflowId(),
        args: [{ spec: v2 }],
      });
      await eventually(point, () => reached() || undefined, { timeoutMs: 10_000, intervalMs: 25 });
      await handle.cancel();
      return handle.result();
    }),
  );
}

test(
  'an upgrade cancelled while the new version rolls out brings the last stable version back from the same ' +
    'savepoint, and says so',
  async () => {
    const cluster = await deployed();
    cluster.script.hangingImages = ['flink:2.3-v2'];
    const failure = await upgradeCancelledWhen(cluster, 'the stability wait of the new version', () =>
      cluster.calls.some(
        (c) =>
          c.name === 'awaitJobStable' &&
          (c.input as { jobId: string }).jobId === cluster.jobs.at(-1)?.jobId &&
          cluster.jobs.at(-1)?.image === 'flink:2.3-v2',
      ),
    );
    expect(failure.type).toBe(FailureType.UpgradeRolledBack);
    expect(failure.message).toContain('cancelled on request');
    const applies = cluster.calls
      .filter((c) => c.name === 'applyApplication')
      .map((c) => c.input as { spec: AppSpec; restore?: { path: string } });
    expect(applies.map((a) => a.spec.image)).toEqual(['flink:2.3', 'flink:2.3-v2', 'flink:2.3']);
    expect(applies[2]!.restore?.path).toBe(applies[1]!.restore?.path);
    expect(cluster.runningJobs().map((j) => j.image)).toEqual(['flink:2.3']);
    expect(cluster.record).toMatchObject({ status: 'running', operation: null });
  },
);

test('a cancel while an upgrade rolls back: the rollback runs to its end, saying the cancel came late', async () => {
  // The fault matrix's rollback-auto/RollingBack/cancel: cut short, the failing version's job stayed, FAILED.
  const cluster = await deployed();
  cluster.script.failingImages = ['flink:2.3-v2'];
  cluster.script.slowApplyImages = ['flink:2.3'];
  cluster.script.slowApplyMs = 1500;
  const failure = await upgradeCancelledWhen(
    cluster,
    'the rollback applying the last stable spec',
    () => cluster.calls.filter((c) => c.name === 'applyApplication').length === 3,
  );
  expect(failure.type).toBe(FailureType.UpgradeRolledBack);
  expect(failure.message).toMatch(/upgrade failed, rolled back: job \w+ FAILED/);
  expect(failure.message).toContain('a cancel requested meanwhile came too late: the rollback ran to its end');
  expect(cluster.runningJobs().map((j) => j.image)).toEqual(['flink:2.3']);
  expect(cluster.record).toMatchObject({ status: 'running', operation: null });
  expect(cluster.record?.lastAppliedSpec?.image).toBe('flink:2.3');
  expect(cluster.record?.history.at(-1)).toMatchObject({ outcome: 'rolled-back' });
});
