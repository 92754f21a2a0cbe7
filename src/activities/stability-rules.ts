/**
 * What the stability wait judges, as pure rules (unit-tested): which pods are the waited-for
 * generation's, and whether the job's `latest.restored` is the restore it was asked for.
 */
import type { PodReadiness } from '../k8s/facade/pod-readiness';

/** `file:///a/b/` and `file:/a/b` name the same place. */
export function samePath(a: string, b: string): boolean {
  const norm = (p: string) => p.replace(/^file:\/\/\//, 'file:/').replace(/\/+$/, '');
  return norm(a) === norm(b);
}

/**
 * The pods judged while waiting for `generation`: only that generation's. Pods of a failed
 * generation (ImagePullBackOff, crash loops) still going away are not the new generation's
 * problem. Without a generation (runs started before it was passed), every pod.
 */
export function podsOfGeneration(pods: PodReadiness[], generation: number | undefined): PodReadiness[] {
  if (generation === undefined) return pods;
  return pods.filter((p) => p.generation === generation);
}

/**
 * Why `restored` is the wrong restore for a job asked to start from `expected`, or undefined
 * when it is right. After a normal failover (a restart within the restart budget) Flink
 * restores the job from its own latest checkpoint: a path under the job's own id
 * (`<checkpoints>/<jobId>/chk-N`) is that, not a wrong restore.
 */
export function wrongRestore(input: { restored: string; expected: string; jobId: string }): string | undefined {
  const { restored, expected, jobId } = input;
  if (samePath(restored, expected)) return undefined;
  if (restored.split('/').includes(jobId)) return undefined;
  return `restored from ${restored}, not from ${expected}`;
}

/**
 * The root cause of a Flink exception history entry, said once: Flink's stack trace starts with
 * `<class>: <message>`, so the first line is enough; the class is added only when it is missing.
 */
export function rootCauseOf(entry: { exceptionName: string; stacktrace: string } | undefined): string {
  if (!entry) return 'no exception recorded';
  const first = entry.stacktrace.split('\n')[0]?.trim() ?? '';
  if (first === '') return entry.exceptionName;
  return first.startsWith(entry.exceptionName) ? first : `${entry.exceptionName}: ${first}`;
}
