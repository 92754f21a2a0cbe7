/**
 * What a spec change needs: `diffSpecs(deployed, desired)` lists every changed field with its
 * effect and picks one change class. Precedence (first match wins):
 *
 * 1. nothing deployed → `deploy`
 * 2. job.state running → suspended → `suspend` (other changes are recorded, applied on resume)
 * 3. job.state suspended → running → `resume` (the resumed deployment carries the other changes)
 * 4. both suspended → `none` (changes are recorded)
 * 5. any field that changes the pods or the job graph → `upgrade`
 * 6. restartNonce changed (to a value) → `restart`
 * 7. only the number of TaskManagers changed → `scale`
 * 8. spec.ingress changed → `ingress` (the Ingress alone is applied; the job keeps running)
 * 9. savepointTriggerNonce changed (to a value) → `savepoint-only`
 * 10. otherwise → `none` (e.g. upgradeMode or stability options: recorded only)
 *
 * `savepointRequested` is set whenever savepointTriggerNonce changed, so a workflow that
 * runs a lower-precedence class (scale) can still honour it.
 * Pure and deterministic: safe in workflow code.
 */
import { canonicalJson } from './hash';
import { shownValue } from './redact';
import { isReactiveMode } from './scheduler';
import {
  ChangeClass,
  ChangeEffect,
  JobState,
  type AppSpec,
  type ChangeEffect as Effect,
  type FieldChange,
  type SpecChange,
} from './types';

type Getter = (spec: AppSpec) => unknown;

/** Fields compared, in report order, with the effect of a change. */
const fields: ReadonlyArray<readonly [string, Getter, Effect]> = [
  ['name', (s) => s.name, ChangeEffect.Upgrade],
  ['namespace', (s) => s.namespace, ChangeEffect.Upgrade],
  ['image', (s) => s.image, ChangeEffect.Upgrade],
  ['imagePullPolicy', (s) => s.imagePullPolicy, ChangeEffect.Upgrade],
  ['flinkVersion', (s) => `${s.flinkVersion.major}.${s.flinkVersion.minor}`, ChangeEffect.Upgrade],
  ['serviceAccount', (s) => s.serviceAccount, ChangeEffect.Upgrade],
  ['labels', (s) => s.labels, ChangeEffect.Upgrade],
  ['annotations', (s) => s.annotations, ChangeEffect.Upgrade],
  ['log4jConsoleProperties', (s) => s.log4jConsoleProperties, ChangeEffect.Upgrade],
  ['slotsPerTaskManager', (s) => s.slotsPerTaskManager, ChangeEffect.Upgrade],
  ['jobManager.replicas', (s) => s.jobManager.replicas, ChangeEffect.Upgrade],
  ['jobManager.resources', (s) => s.jobManager.resources, ChangeEffect.Upgrade],
  ['jobManager.podTemplate', (s) => s.jobManager.podTemplate, ChangeEffect.Upgrade],
  ['taskManager.resources', (s) => s.taskManager.resources, ChangeEffect.Upgrade],
  ['taskManager.podTemplate', (s) => s.taskManager.podTemplate, ChangeEffect.Upgrade],
  ['taskManager.replicas', (s) => s.taskManager.replicas, ChangeEffect.Scale],
  ['taskManager.onDemand', (s) => s.taskManager.onDemand ?? false, ChangeEffect.Recorded],
  ['job.jarURI', (s) => s.job.jarURI, ChangeEffect.Upgrade],
  ['job.entryClass', (s) => s.job.entryClass, ChangeEffect.Upgrade],
  ['job.args', (s) => s.job.args, ChangeEffect.Upgrade],
  ['job.parallelism', (s) => s.job.parallelism, ChangeEffect.Upgrade],
  ['unsafeDisableJobManagerHA', (s) => s.unsafeDisableJobManagerHA ?? false, ChangeEffect.Upgrade],
  ['ingress', (s) => s.ingress, ChangeEffect.Ingress],
  ['job.upgradeMode', (s) => s.job.upgradeMode, ChangeEffect.Recorded],
  ['job.allowNonRestoredState', (s) => s.job.allowNonRestoredState, ChangeEffect.Recorded],
  ['job.initialSavepointPath', (s) => s.job.initialSavepointPath, ChangeEffect.Recorded],
  ['stability', (s) => s.stability, ChangeEffect.Recorded],
  ['savepointFallback', (s) => s.savepointFallback, ChangeEffect.Recorded],
  ['onJobFailure', (s) => s.onJobFailure, ChangeEffect.Recorded],
  ['upgradeStrategy', (s) => s.upgradeStrategy ?? 'recreate', ChangeEffect.Recorded],
  ['upgrade.jobs', (s) => (s.carryJobsOnUpgrade ? 'carry-over' : 'refuse'), ChangeEffect.Recorded],
];

function changed(a: unknown, b: unknown): boolean {
  return canonicalJson(a) !== canonicalJson(b);
}

function fieldChanges(deployed: AppSpec, desired: AppSpec): FieldChange[] {
  const out: FieldChange[] = [];
  // Reactive mode rescales the job to the TaskManagers there are: parallelism is a scale.
  const reactive = isReactiveMode(deployed.flinkConfiguration) && isReactiveMode(desired.flinkConfiguration);
  for (const [field, get, effect] of fields) {
    const from = get(deployed);
    const to = get(desired);
    if (!changed(from, to)) continue;
    const actual = field === 'job.parallelism' && reactive ? ChangeEffect.Scale : effect;
    out.push({ field, from, to, effect: actual });
  }
  const keys = [
    ...new Set([...Object.keys(deployed.flinkConfiguration), ...Object.keys(desired.flinkConfiguration)]),
  ].sort();
  for (const key of keys) {
    const from = Object.hasOwn(deployed.flinkConfiguration, key) ? deployed.flinkConfiguration[key] : undefined;
    const to = Object.hasOwn(desired.flinkConfiguration, key) ? desired.flinkConfiguration[key] : undefined;
    if (from === to) continue;
    // A rotated secret is a change, shown as `<redacted> → <redacted>`: never its values.
    out.push({
      field: `flinkConfiguration["${key}"]`,
      from: shownValue(key, from),
      to: shownValue(key, to),
      effect: ChangeEffect.Upgrade,
    });
  }
  const nonces: ReadonlyArray<readonly [string, Getter, Effect]> = [
    ['job.savepointTriggerNonce', (s) => s.job.savepointTriggerNonce, ChangeEffect.Savepoint],
    ['restartNonce', (s) => s.restartNonce, ChangeEffect.Restart],
  ];
  for (const [field, get, effect] of nonces) {
    const from = get(deployed);
    const to = get(desired);
    if (from !== to) out.push({ field, from, to, effect: to === undefined ? ChangeEffect.Recorded : effect });
  }
  return out;
}

function summarize(changeClass: SpecChange['class'], changes: FieldChange[]): string {
  if (changeClass === ChangeClass.Deploy) return 'deploy: nothing deployed yet';
  if (changes.length === 0) return 'none: no changes';
  return `${changeClass}: ${changes.map((change) => change.field).join(', ')}`;
}

function result(changeClass: SpecChange['class'], changes: FieldChange[]): SpecChange {
  const savepointRequested = changes.some(
    (change) => change.field === 'job.savepointTriggerNonce' && change.to !== undefined,
  );
  return { class: changeClass, changes, savepointRequested, summary: summarize(changeClass, changes) };
}

function withEffect(changes: FieldChange[], effect: Effect, except: string): FieldChange[] {
  return changes.map((change) => (change.field === except ? change : { ...change, effect }));
}

/** Classifies the change from the deployed spec (undefined: nothing deployed) to the desired one. */
export function diffSpecs(deployed: AppSpec | undefined, desired: AppSpec): SpecChange {
  if (!deployed) return result(ChangeClass.Deploy, []);
  const changes = fieldChanges(deployed, desired);
  const wasRunning = deployed.job.state === JobState.Running;
  const running = desired.job.state === JobState.Running;
  if (wasRunning !== running) {
    const stateChange: FieldChange = {
      field: 'job.state',
      from: deployed.job.state,
      to: desired.job.state,
      effect: running ? ChangeEffect.Resume : ChangeEffect.Suspend,
    };
    const all = [stateChange, ...changes];
    return running
      ? result(ChangeClass.Resume, withEffect(all, ChangeEffect.Resume, 'job.state'))
      : result(ChangeClass.Suspend, withEffect(all, ChangeEffect.Recorded, 'job.state'));
  }
  if (!running) return result(ChangeClass.None, withEffect(changes, ChangeEffect.Recorded, ''));
  const has = (effect: Effect): boolean => changes.some((change) => change.effect === effect);
  if (has(ChangeEffect.Upgrade)) return result(ChangeClass.Upgrade, changes);
  if (has(ChangeEffect.Restart)) return result(ChangeClass.Restart, changes);
  if (has(ChangeEffect.Scale)) return result(ChangeClass.Scale, changes);
  if (has(ChangeEffect.Ingress)) return result(ChangeClass.Ingress, changes);
  if (has(ChangeEffect.Savepoint)) return result(ChangeClass.SavepointOnly, changes);
  return result(ChangeClass.None, changes);
}
