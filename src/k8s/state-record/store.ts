import type { CoreV1Api, V1ConfigMap } from '@kubernetes/client-node';
import { KubeErrorCode } from '../errors/codes';
import { classifyKubeError, kubeCall, kubeCallOr404 } from '../errors/classify';
import { decodeRecord, encodeRecord, RECORD_KEY } from './codec';
import { MAX_RECORD_BYTES, recordBytes } from './bounds';
import { RecordConflictError, RecordCorruptError, RecordNotFoundError, RecordTooLargeError } from './errors';
import {
  withLockAcquired,
  withLockReleased,
  type AcquireLockInput,
  type LockAcquisition,
  type ReleaseLockInput,
} from './lock';
import { emptyRecord, recordName, type DeployStateRecord, type OperationRecord, type VersionedRecord } from './types';

/** Input of {@link DeployStateStore.writeRecord}. */
export interface WriteRecordInput<TSpec = unknown> {
  namespace: string;
  app: string;
  record: DeployStateRecord<TSpec>;
  /** The resourceVersion read with the record: the write fails if it changed since. */
  expectedResourceVersion: string;
}

/** Input of {@link DeployStateStore.mutateRecord}. */
export interface MutateRecordInput<TSpec = unknown> {
  namespace: string;
  app: string;
  /**
   * Compute the new record from the current one (a private copy). Called again after each
   * conflict with the fresh record, so it must be a pure decision. Throwing aborts the update.
   */
  mutate: (record: DeployStateRecord<TSpec>) => DeployStateRecord<TSpec>;
  /** Start from an empty record when none exists (else `RECORD_NOT_FOUND`). @default false */
  createIfMissing?: boolean;
  /** Attempts before giving up with `RECORD_CONFLICT`. @default 5 */
  maxAttempts?: number;
}

/** Result of {@link DeployStateStore.mutateRecord}. */
export interface MutatedRecord<TSpec = unknown> extends VersionedRecord<TSpec> {
  /** False when `mutate` returned an equal record and nothing was written. */
  written: boolean;
}

/** Result of {@link DeployStateStore.acquireLock}. */
export interface LockResult<TSpec = unknown> extends VersionedRecord<TSpec> {
  acquisition: LockAcquisition;
}

/**
 * The deployed-state records (docs/architecture.md, "Where state lives"): one ConfigMap `<app>-deploy-state` per
 * application, written with resourceVersion compare-and-swap, and used as the
 * per-application lock.
 */
export class DeployStateStore {
  constructor(
    private readonly core: CoreV1Api,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Read the record (one GET). `undefined` when the application has none. */
  async readRecord<TSpec = unknown>(namespace: string, app: string): Promise<VersionedRecord<TSpec> | undefined> {
    const name = recordName(app);
    const configMap = await kubeCallOr404({ verb: 'get', resource: 'configmaps', namespace, name }, () =>
      this.core.readNamespacedConfigMap({ name, namespace }),
    );
    return configMap === undefined ? undefined : decodeRecord<TSpec>(configMap, { namespace, app });
  }

  /**
   * Every record (one LIST): of `namespaces`, or of all namespaces when none are given (a
   * ClusterRole that lists ConfigMaps). A corrupt record is returned as its error, not thrown,
   * so one bad record does not hide the others.
   */
  async listRecords<TSpec = unknown>(
    namespaces?: readonly string[],
  ): Promise<Array<VersionedRecord<TSpec> | RecordCorruptError>> {
    const labelSelector = 'app.kubernetes.io/component=deploy-state,app.kubernetes.io/managed-by=flink-deploy';
    const lists = namespaces?.length
      ? await Promise.all(
          namespaces.map((namespace) =>
            kubeCall({ verb: 'list', resource: 'configmaps', namespace }, () =>
              this.core.listNamespacedConfigMap({ namespace, labelSelector }),
            ),
          ),
        )
      : [
          await kubeCall({ verb: 'list', resource: 'configmaps' }, () =>
            this.core.listConfigMapForAllNamespaces({ labelSelector }),
          ),
        ];
    return lists
      .flatMap((list) => list.items)
      .map((configMap) => {
        const namespace = configMap.metadata?.namespace ?? '';
        const app = configMap.metadata?.labels?.['app.kubernetes.io/instance'] ?? '';
        try {
          return decodeRecord<TSpec>(configMap, { namespace, app });
        } catch (err) {
          if (err instanceof RecordCorruptError) return err;
          throw err;
        }
      });
  }

  /**
   * Create the record (one POST). Throws {@link RecordConflictError} on any 409: it already exists (someone
   * else created it first), or a conflict of another reason (a webhook's, a proxy's) where nothing was
   * written; either way, read it and decide again (retried, as every lost compare-and-swap is).
   */
  async createRecord<TSpec = unknown>(
    namespace: string,
    record: DeployStateRecord<TSpec>,
  ): Promise<VersionedRecord<TSpec>> {
    const location = this.check(namespace, record.app, record);
    const name = recordName(record.app);
    try {
      const created = await this.core.createNamespacedConfigMap({ namespace, body: encodeRecord(record) });
      return decodeRecord<TSpec>(created, location);
    } catch (err) {
      const classified = classifyKubeError(err, { verb: 'create', resource: 'configmaps', namespace, name });
      if (classified.code === KubeErrorCode.AlreadyExists) {
        throw new RecordConflictError(location, `record ${namespace}/${name} already exists`, { cause: classified });
      }
      if (classified.code === KubeErrorCode.Conflict) {
        throw new RecordConflictError(location, `record ${namespace}/${name}: ${classified.message}`, {
          cause: classified,
        });
      }
      throw classified;
    }
  }

  /**
   * Replace the record if nobody wrote it since `expectedResourceVersion` (one PUT).
   * Throws {@link RecordConflictError} when the resourceVersion changed (409), and
   * {@link RecordNotFoundError} when the record was deleted.
   */
  async writeRecord<TSpec = unknown>(input: WriteRecordInput<TSpec>): Promise<VersionedRecord<TSpec>> {
    const { namespace, app, record, expectedResourceVersion } = input;
    const location = this.check(namespace, app, record);
    const name = recordName(app);
    const body: V1ConfigMap = encodeRecord(record);
    body.metadata = { ...body.metadata, resourceVersion: expectedResourceVersion };
    try {
      const replaced = await this.core.replaceNamespacedConfigMap({ name, namespace, body });
      return decodeRecord<TSpec>(replaced, location);
    } catch (err) {
      const classified = classifyKubeError(err, { verb: 'update', resource: 'configmaps', namespace, name });
      if (classified.code === KubeErrorCode.Conflict) {
        throw new RecordConflictError(
          location,
          `record ${namespace}/${name} changed since resourceVersion ${expectedResourceVersion}`,
          { cause: classified },
        );
      }
      if (classified.code === KubeErrorCode.NotFound) {
        throw new RecordNotFoundError(location, `record ${namespace}/${name} does not exist`, { cause: classified });
      }
      throw classified;
    }
  }

  /**
   * Delete the record if it is still at `expectedResourceVersion` (a precondition: nobody wrote
   * it since it was read). Resolves `false` when it is already gone; throws
   * {@link RecordConflictError} when it changed (read it and decide again).
   */
  async deleteRecord(input: { namespace: string; app: string; expectedResourceVersion: string }): Promise<boolean> {
    const { namespace, app, expectedResourceVersion } = input;
    const name = recordName(app);
    try {
      await this.core.deleteNamespacedConfigMap({
        name,
        namespace,
        body: { preconditions: { resourceVersion: expectedResourceVersion } },
      });
      return true;
    } catch (err) {
      const classified = classifyKubeError(err, { verb: 'delete', resource: 'configmaps', namespace, name });
      if (classified.code === KubeErrorCode.NotFound) return false;
      if (classified.code === KubeErrorCode.Conflict) {
        throw new RecordConflictError(
          { namespace, app },
          `record ${namespace}/${name} changed since resourceVersion ${expectedResourceVersion}`,
          { cause: classified },
        );
      }
      throw classified;
    }
  }

  /**
   * Read, mutate and compare-and-swap, re-reading and retrying on conflict up to
   * `maxAttempts` times. Resolves with the stored record; no write when nothing changed.
   */
  async mutateRecord<TSpec = unknown>(input: MutateRecordInput<TSpec>): Promise<MutatedRecord<TSpec>> {
    const { namespace, app } = input;
    const maxAttempts = input.maxAttempts ?? 5;
    let lastConflict: RecordConflictError | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const current = await this.readRecord<TSpec>(namespace, app);
      if (!current && !input.createIfMissing) {
        throw new RecordNotFoundError({ namespace, app }, `record ${namespace}/${recordName(app)} does not exist`);
      }
      const base = current?.record ?? emptyRecord<TSpec>(namespace, app);
      const next = input.mutate(JSON.parse(JSON.stringify(base)) as DeployStateRecord<TSpec>);
      try {
        if (!current) return { ...(await this.createRecord(namespace, next)), written: true };
        if (JSON.stringify(next) === JSON.stringify(current.record)) return { ...current, written: false };
        return {
          ...(await this.writeRecord({
            namespace,
            app,
            record: next,
            expectedResourceVersion: current.resourceVersion,
          })),
          written: true,
        };
      } catch (err) {
        if (!(err instanceof RecordConflictError)) throw err;
        lastConflict = err;
      }
    }
    throw new RecordConflictError(
      { namespace, app },
      `record ${namespace}/${recordName(app)}: still conflicting after ${maxAttempts} attempts`,
      { cause: lastConflict },
    );
  }

  /**
   * Take the application's lock (creating the record if needed). Succeeds when free or held
   * by the same workflow id (idempotent re-acquire after a crash); throws
   * `LockHeldError` naming the holder otherwise.
   */
  async acquireLock<TSpec = unknown>(
    input: AcquireLockInput & {
      /**
       * A change written with the lock, in its same compare-and-swap: the record with the lock taken, and the
       * operation that held it before (null: none), as read. Called again after each conflict: a pure decision.
       */
      alongside?: (record: DeployStateRecord<TSpec>, before: OperationRecord | null) => DeployStateRecord<TSpec>;
    },
  ): Promise<LockResult<TSpec>> {
    let acquisition: LockAcquisition = 'acquired';
    const updated = await this.mutateRecord<TSpec>({
      namespace: input.namespace,
      app: input.app,
      createIfMissing: true,
      mutate: (record) => {
        const result = withLockAcquired(record, input, this.now());
        acquisition = result.acquisition;
        return input.alongside ? input.alongside(result.record, record.operation) : result.record;
      },
    });
    return { record: updated.record, resourceVersion: updated.resourceVersion, uid: updated.uid, acquisition };
  }

  /**
   * Release the lock held by `workflowId`, recording the operation in the history.
   * Idempotent: no record or no lock resolves without a write. Throws `LockHeldError` when
   * another workflow holds it.
   */
  async releaseLock<TSpec = unknown>(input: ReleaseLockInput): Promise<VersionedRecord<TSpec> | undefined> {
    const existing = await this.readRecord<TSpec>(input.namespace, input.app);
    if (!existing) return undefined;
    return this.mutateRecord<TSpec>({
      namespace: input.namespace,
      app: input.app,
      mutate: (r) => withLockReleased(r, input, this.now()),
    });
  }

  private check(
    namespace: string,
    app: string,
    record: DeployStateRecord<unknown>,
  ): { namespace: string; app: string } {
    if (record.namespace !== namespace || record.app !== app) {
      throw new Error(`record is of ${record.namespace}/${record.app}, not ${namespace}/${app}`);
    }
    // Refused here, before the API call: the side effect this write guards never happens.
    const bytes = recordBytes(encodeRecord(record).data?.[RECORD_KEY] ?? '');
    if (bytes > MAX_RECORD_BYTES) throw new RecordTooLargeError({ namespace, app }, bytes, MAX_RECORD_BYTES);
    return { namespace, app };
  }
}
