/**
 * Jars no session job uses any more, deleted from their session cluster (issue 16). Each session job's
 * `<job>-rest` Service names the jar it is submitted from (annotation `flink-deploy.io/jar`, written
 * before the submission); a jar of ours (content-named by session-jar.ts) that no session job's Service on
 * the cluster names is deleted, after a submission and after a session job's delete.
 *
 * Why this is safe: a submitted job never reads its jar again (Flink keeps what it submitted in its blob
 * store and HA storage), and a submission whose jar was deleted under it (a concurrent operation of
 * another job found it unused) stages it again on its retry. So a race costs at most one more upload.
 * The cluster's jars are listed before the Services are read: a jar uploaded after that list is never a
 * candidate.
 */
import { Context } from '@temporalio/activity';
import type { AppRef } from '../contract/app';
import type { FlinkRestClient } from '../flink';
import { FlinkErrorCode, isFlinkError } from '../flink';
import type { ActivityDeps } from './deps';
import { jarsInUse, restServices } from './session-services';

/** A jar on a cluster, as `GET /jars` lists it. */
export interface ClusterJar {
  id: string;
  name: string;
  /** When it was uploaded, epoch ms. */
  uploaded?: number;
}

/**
 * The one jar of a content the cluster keeps when two stagings uploaded it at once: the earliest upload (then
 * the smallest id). Every stager and the clean-up pick the same one. A jar listed without a time is last: Flink
 * lists a file deleted while it lists with `uploaded` 0 (its `File.lastModified()`), and a staging that took that
 * one as the earliest deleted the other's keeper while the other deleted it: none stayed. Pure.
 */
export function keeperOf(jars: readonly ClusterJar[], name: string): ClusterJar | undefined {
  const time = (jar: ClusterJar) => (jar.uploaded !== undefined && jar.uploaded > 0 ? jar.uploaded : Infinity);
  return jars.filter((jar) => jar.name === name).sort((a, b) => time(a) - time(b) || a.id.localeCompare(b.id))[0];
}

/**
 * After a staging uploaded content `name` (its upload `uploadedId`): the keeper of that content, every other upload of
 * it deleted. Flink lists a jar by its file's time, not by when the file appeared, so two stagings at once can each
 * see a different keeper (one lists before the other's upload is there and keeps its own; the other then sees an
 * earlier-stamped upload beside its own): deleting only its own upload when it is not the keeper left both. Each
 * staging deletes every upload of the content but the keeper it sees, so the last to list leaves one. A submission
 * from a jar deleted under it stages again (`jarDeletedOr`).
 */
export async function keepOneUpload(
  flink: Pick<FlinkRestClient, 'listJars' | 'deleteJar'>,
  name: string,
  uploadedId: string,
  signal?: AbortSignal,
): Promise<ClusterJar> {
  const options = signal ? { signal } : undefined;
  const jars = await flink.listJars(options);
  const kept = keeperOf(jars, name) ?? { id: uploadedId, name };
  for (const other of jars.filter((jar) => jar.name === name && jar.id !== kept.id))
    await deleteJarOnce(flink, other.id, options);
  return kept;
}

/**
 * Deletes jar `id`; a jar another staging or clean-up deleted first is no error (gone is what was wanted): Flink
 * answers 404, or (2.3) 400 "does not exist", so any failed delete is one when the jar is still listed.
 */
async function deleteJarOnce(
  flink: Pick<FlinkRestClient, 'listJars' | 'deleteJar'>,
  id: string,
  options: { signal: AbortSignal } | undefined,
): Promise<void> {
  await flink.deleteJar(id, options).catch(async (err: unknown) => {
    if (isFlinkError(err) && err.code === FlinkErrorCode.NotFound) return;
    if ((await flink.listJars(options)).some((jar) => jar.id === id)) throw err;
  });
}

/** The names session-jar.ts gives: `<sha256 first 16>-<file>`. Jars uploaded by people are never ours to delete. */
const contentNamed = /^[0-9a-f]{16}-./;

/** Of the cluster's jars, ours that no job uses, and the second uploads of one content (not its keeper). Pure. */
export function unusedJars(jars: readonly ClusterJar[], inUse: ReadonlySet<string>): ClusterJar[] {
  return jars.filter(
    (jar) => contentNamed.test(jar.name) && (!inUse.has(jar.name) || keeperOf(jars, jar.name)?.id !== jar.id),
  );
}

/**
 * Deletes the jars of session cluster `cluster` no session job uses, and logs their names. Never throws: a
 * failure to (the cluster unreachable, say) is logged, not the operation's; the next one tries again.
 */
export async function removeUnusedJars(
  deps: ActivityDeps,
  flink: FlinkRestClient | (() => Promise<FlinkRestClient>),
  cluster: AppRef,
  signal?: AbortSignal,
): Promise<void> {
  try {
    const client = typeof flink === 'function' ? await flink() : flink;
    const removed = await deleteUnusedJars(deps, client, cluster, signal);
    if (removed.length > 0)
      Context.current().log.info(`deleted jars no session job uses from ${cluster.name}: ${removed.join(', ')}`);
  } catch (err) {
    Context.current().log.warn(`could not delete the unused jars of session cluster ${cluster.name}`, {
      error: String(err),
    });
  }
}

/** Deletes the jars of session cluster `cluster` no session job uses; returns their names. */
export async function deleteUnusedJars(
  deps: ActivityDeps,
  flink: FlinkRestClient,
  cluster: AppRef,
  signal?: AbortSignal,
): Promise<string[]> {
  const options = signal ? { signal } : undefined;
  const jars = await flink.listJars(options);
  const services = await deps.kube.listServices({ namespace: cluster.namespace, labelSelector: restServices });
  const removed: string[] = [];
  for (const jar of unusedJars(jars, jarsInUse(services, cluster.name))) {
    await deleteJarOnce(flink, jar.id, options);
    removed.push(jar.name);
  }
  return removed;
}

/**
 * The error to throw for a run that failed: when Flink refused it (a non-retryable answer) and the jar is no
 * longer listed (deleted as unused by another job's operation between this job's staging and its run), a
 * retryable error, so the retry stages the jar again; else `err` as it is. Flink 2.3 answers such a run with
 * a 500 (retried anyway); a 400 ("Jar file ... does not exist") would otherwise fail the operation.
 */
export async function jarDeletedOr(
  flink: Pick<FlinkRestClient, 'listJars'>,
  jar: ClusterJar | undefined,
  err: unknown,
  signal?: AbortSignal,
): Promise<unknown> {
  if (!jar || !isFlinkError(err) || err.retryable) return err;
  const listed = await flink.listJars(signal ? { signal } : undefined).then(
    (jars) => jars.some((j) => j.id === jar.id),
    () => true,
  );
  if (listed) return err;
  return new Error(`jar ${jar.name} was deleted from the session cluster before the run; staging it again`);
}
