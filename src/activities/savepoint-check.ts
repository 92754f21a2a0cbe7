/**
 * checkSavepoint: does a savepoint the user registers (a FlinkStateSnapshot with `alreadyExists: true`)
 * exist? On a file system (`file:/…`, `file:///…`, a bare absolute path): its `_metadata` file is looked
 * at on the worker's file system (the worker must see the volume at the same path, as on the local
 * stack). On object storage (`s3://…`) or another scheme: not checked, and said so — the worker has no
 * credentials of its own (docs/object-storage.md); Flink reads the savepoint when a job restores from it.
 */
import { stat } from 'node:fs/promises';
import { localSavepointPath } from '../contract/savepoint-paths';
import { FailureType } from '../contract/failures';
import { fail } from './failures';
import type { SavepointCheck } from './types';

export function savepointCheckActivities() {
  return {
    async checkSavepoint(input: { path: string }): Promise<SavepointCheck> {
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
      const metadata = local.endsWith('/_metadata') ? local : `${local}/_metadata`;
      const missing = (what: string) =>
        fail(
          FailureType.InvalidSpec,
          `savepoint ${input.path} cannot be registered: ${what}; nothing was recorded (give the directory Flink ` +
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
