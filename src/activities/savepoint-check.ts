/**
 * checkSavepoint: does a savepoint the user registers (a FlinkStateSnapshot with `alreadyExists: true`), or
 * names to roll back to (`rollback --to-savepoint`), exist? On a file system (`file:/…`, `file:///…`, a bare
 * absolute path): its `_metadata` file is looked at on the worker's file system when the worker sees the
 * folder the savepoint is in (it mounts the volume at the same path); a missing one there is refused. When
 * that folder is not there at all (the volume is mounted in Flink's pods only, the usual case on a cluster):
 * not checked, and said so. On object storage (`s3://…`) or another scheme: not checked, and said so — the
 * worker has no credentials of its own (docs/object-storage.md). Flink reads an unchecked savepoint when a
 * job restores from it; a job that cannot fails its deploy, saying why.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { localSavepointPath } from '../contract/savepoint-paths';
import { FailureType } from '../contract/failures';
import { fail } from './failures';
import type { SavepointCheck, SavepointCheckInput } from './types';

/** How a missing savepoint is refused, by what it was to be used for. */
const refusals = {
  register: { refusal: 'cannot be registered', unchanged: 'nothing was recorded' },
  restore: { refusal: 'cannot be restored from', unchanged: 'nothing was stopped or changed' },
} as const;

export function savepointCheckActivities() {
  return {
    async checkSavepoint(input: SavepointCheckInput): Promise<SavepointCheck> {
      const local = localSavepointPath(input.path);
      if (local === undefined) {
        const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(input.path)?.[1] ?? '';
        return {
          checked: false,
          why:
            `a ${scheme}:// savepoint is not checked: the worker does not read object storage (Flink does, with ` +
            'its own credentials); a job restored from it fails if it is not there',
        };
      }
      const metadata = local.endsWith('/_metadata') ? local : `${local.replace(/\/+$/, '')}/_metadata`;
      const folder = path.dirname(path.dirname(metadata));
      if (!(await exists(folder))) {
        return {
          checked: false,
          why:
            `the worker does not see ${folder} (the volume is mounted in Flink's pods only?), so the savepoint ` +
            'is not checked; a job restored from it fails if it is not there',
        };
      }
      const { refusal, unchanged } = refusals[input.use ?? 'register'];
      const missing = (what: string) =>
        fail(
          FailureType.InvalidSpec,
          `savepoint ${input.path} ${refusal}: ${what}; ${unchanged} (give the directory Flink ` +
            'wrote the savepoint to, the one holding its _metadata file, as the worker sees it)',
        );
      try {
        const found = await stat(metadata);
        if (!found.isFile()) throw missing(`${metadata} is not a file`);
        return { checked: true, metadata, modifiedAt: found.mtime.toISOString() };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR')
          throw missing(`${metadata} does not exist on the worker's file system`);
        if (code === 'EACCES' || code === 'EPERM') throw missing(`the worker may not read ${metadata} (${code})`);
        throw err;
      }
    },
  };
}

/** True when `file` is there (whatever it is); a path through a file counts as there (ENOTDIR). */
async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
