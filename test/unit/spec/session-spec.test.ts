/**
 * The specs of session mode: a FlinkSessionJob's normalised AppSpec (its cluster named, the job's fields,
 * Apache defaults) and a session cluster's `upgrade.jobs` (carry-over recorded, refused on an application).
 */
import { parseAppSpec, validateManifest } from '../../../src/spec/parse';
import { diffSpecs } from '../../../src/spec/diff';
import type { AppSpec } from '../../../src/spec/types';

function spec(text: string): AppSpec {
  const parsed = parseAppSpec(text, { sessionJarSchemes: ['https', 's3', 'file'] });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.spec;
}

const job = (extra = '') => `apiVersion: flink.apache.org/v1beta1
kind: FlinkSessionJob
metadata: {name: orders, namespace: team}
spec:
  deploymentName: shared
  job: {jarURI: "file:///jobs/orders.jar", entryClass: org.example.Orders, args: [--x, "1"]${extra}}
`;

test('a FlinkSessionJob: its cluster named, its job fields, the Apache defaults (stateless, parallelism 1)', () => {
  const s = spec(job());
  expect(s).toMatchObject({
    name: 'orders',
    namespace: 'team',
    sessionJob: { deploymentName: 'shared' },
    job: {
      jarURI: 'file:///jobs/orders.jar',
      entryClass: 'org.example.Orders',
      args: ['--x', '1'],
      parallelism: 1,
      upgradeMode: 'stateless',
      state: 'running',
      allowNonRestoredState: false,
    },
    stability: { requireCheckpoint: false },
  });
  expect(s.sessionCluster).toBeUndefined();
  // The workflow checks the spec against its own manifest (any scheme: the worker applies its setting).
  const again = validateManifest(s.manifest);
  expect(again.ok && again.spec).toEqual(s);
});

test('a FlinkSessionJob with spec.flinkDeploy.stability: judged stable by it', () => {
  const s = spec(
    `${job()}  flinkDeploy: {stability: {windowSeconds: 5, timeoutSeconds: 90, requireCheckpoint: true}}\n`,
  );
  expect(s.stability).toEqual({ windowSeconds: 5, timeoutSeconds: 90, requireCheckpoint: true });
  const parsed = parseAppSpec(`${job()}  flinkDeploy: {stability: {windowSeconds: 0}}\n`, {
    sessionJarSchemes: ['file'],
  });
  expect(parsed.ok ? [] : parsed.issues.map((i) => i.path)).toEqual(['spec.flinkDeploy.stability.windowSeconds']);
});

test('a FlinkSessionJob that sets a checkpoint interval needs a checkpoint to be stable', () => {
  const s = spec(`${job()}  flinkConfiguration: {execution.checkpointing.interval: 5s}\n`);
  expect(s.stability.requireCheckpoint).toBe(true);
  expect(s.flinkConfiguration).toEqual({ 'execution.checkpointing.interval': '5s' });
});

test('a session job: a parallelism change is an upgrade, job.state: suspended a suspend', () => {
  const running = spec(job(', upgradeMode: savepoint'));
  expect(diffSpecs(running, spec(job(', upgradeMode: savepoint, parallelism: 2'))).class).toBe('upgrade');
  expect(diffSpecs(running, spec(job(', upgradeMode: savepoint, state: suspended'))).class).toBe('suspend');
});

const cluster = (extra: string) => `apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: {name: shared}
spec:
  image: flink:2.3
  flinkVersion: v2_3
${extra}`;

test('upgrade.jobs: carry-over on a session cluster is recorded (no redeploy for it alone)', () => {
  const refuse = spec(cluster(''));
  const carry = spec(cluster('  flinkDeploy: {upgrade: {jobs: carry-over}}\n'));
  expect(refuse.carryJobsOnUpgrade).toBeUndefined();
  expect(carry.carryJobsOnUpgrade).toBe(true);
  expect(spec(cluster('  flinkDeploy: {upgrade: {jobs: refuse}}\n')).carryJobsOnUpgrade).toBeUndefined();
  const change = diffSpecs(refuse, carry);
  expect(change.class).toBe('none');
  expect(change.changes).toMatchObject([{ field: 'upgrade.jobs', from: 'refuse', to: 'carry-over' }]);
});

test('a session cluster without taskManager.replicas starts TaskManagers on demand; with them, a fixed number', () => {
  const onDemand = spec(cluster(''));
  expect(onDemand.taskManager).toMatchObject({ replicas: 1, onDemand: true });
  const fixed = spec(cluster('  taskManager: {replicas: 2}\n'));
  expect(fixed.taskManager.replicas).toBe(2);
  expect(fixed.taskManager.onDemand).toBeUndefined();
  // An application never does (its TaskManagers are its parallelism's).
  expect(spec(job()).taskManager.onDemand).toBeUndefined();
  // A cluster deployed before on-demand existed, applied again: recorded, nothing redeployed.
  const before = { ...onDemand, taskManager: { replicas: 1, resources: onDemand.taskManager.resources } };
  const change = diffSpecs(before, onDemand);
  expect(change.class).toBe('none');
  expect(change.changes).toMatchObject([{ field: 'taskManager.onDemand', from: false, to: true }]);
});

test('upgrade.jobs on an application (it has spec.job) is refused, naming the field', () => {
  const parsed = parseAppSpec(
    cluster(`  flinkConfiguration: {execution.checkpointing.savepoint-dir: "file:///tmp/sp"}
  flinkDeploy: {upgrade: {jobs: carry-over}}
  job: {jarURI: local:///opt/flink/usrlib/app.jar, parallelism: 1}
`),
  );
  expect(parsed.ok).toBe(false);
  expect(parsed.ok ? [] : parsed.issues.map((i) => i.path)).toEqual(['spec.flinkDeploy.upgrade.jobs']);
});
