/**
 * IN-MEMORY ACTIVITIES for fleet workflow tests: one InMemoryCluster (its record, lock and jobs)
 * per application, each activity routed by its input's application, and what a rollout must
 * never break measured from outside the workflow: the records locked at once.
 */
import type { FlinkDeployActivities } from '../../src/activities/types';
import type { AppRef } from '../../src/contract/app';
import { InMemoryCluster } from './in-memory-activities';

type AnyActivity = (input: unknown) => Promise<unknown>;

export class InMemoryFleet {
  readonly clusters = new Map<string, InMemoryCluster>();
  private readonly activitiesOf = new Map<string, FlinkDeployActivities>();
  /** Records whose lock is held now, and the most ever held at once (sampled on each lock and release). */
  locked = 0;
  maxLocked = 0;
  /** Every activity call, in the order it started: `<namespace>/<name> <activity>`. */
  readonly timeline: string[] = [];
  /** The application keys in the order their operations took the lock (each take). */
  readonly lockOrder: string[] = [];
  /** Applications held by a foreign operation for this many more lock attempts (then released). */
  private readonly heldFor = new Map<string, number>();

  cluster(app: AppRef | string): InMemoryCluster {
    const key = typeof app === 'string' ? app : `${app.namespace}/${app.name}`;
    let cluster = this.clusters.get(key);
    if (!cluster) {
      cluster = new InMemoryCluster();
      this.clusters.set(key, cluster);
      this.activitiesOf.set(key, cluster.activities());
    }
    return cluster;
  }

  /**
   * Another operation (as a scheduled savepoint's run would) holds the application's lock for
   * the next `attempts` lock attempts of others, then releases it (`Infinity`: never).
   */
  async holdLock(app: AppRef, attempts: number): Promise<void> {
    const key = `${app.namespace}/${app.name}`;
    this.cluster(app);
    await this.activitiesOf.get(key)!.beginOperation({
      app,
      workflowId: `other-operation/${key}`,
      runId: 'other-run',
      operation: 'savepoint',
    });
    this.heldFor.set(key, attempts);
  }

  activities(): FlinkDeployActivities {
    const names = Object.keys(new InMemoryCluster().activities()) as (keyof FlinkDeployActivities)[];
    return Object.fromEntries(
      names.map((name) => [name, (input: unknown) => this.call(name, input)]),
    ) as unknown as FlinkDeployActivities;
  }

  private async call(name: keyof FlinkDeployActivities, input: unknown): Promise<unknown> {
    const ref = input as { app?: AppRef; spec?: AppRef };
    const app = ref.app ?? { namespace: ref.spec!.namespace, name: ref.spec!.name };
    const key = `${app.namespace}/${app.name}`;
    this.cluster(app);
    this.timeline.push(`${key} ${name}`);
    const activities = this.activitiesOf.get(key)!;
    if (name === 'beginOperation') await this.releaseWhenDue(key, activities);
    const result = await (activities[name] as AnyActivity)(input);
    if (name === 'beginOperation') this.lockOrder.push(key);
    this.sample();
    return result;
  }

  private async releaseWhenDue(key: string, activities: FlinkDeployActivities): Promise<void> {
    const left = this.heldFor.get(key);
    if (left === undefined) return;
    if (left > 0) {
      this.heldFor.set(key, left - 1);
      return;
    }
    this.heldFor.delete(key);
    const [namespace, name] = key.split('/') as [string, string];
    await activities.updateRecord({
      app: { namespace, name },
      workflowId: `other-operation/${key}`,
      runId: 'other-run',
      changes: [],
      end: { operation: 'savepoint', outcome: 'succeeded', message: 'the other operation ended' },
    });
  }

  private sample(): void {
    this.locked = [...this.clusters.values()].filter(
      (c) => c.record?.operation && !c.record.operation.workflowId.startsWith('other-operation/'),
    ).length;
    this.maxLocked = Math.max(this.maxLocked, this.locked);
  }
}
