/**
 * Workflow test environment: the time-skipping test server from the stack's venv (nothing is
 * downloaded), the workflow code bundled once per test file, a fresh task queue per run.
 */
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { FlinkDeployActivities } from '../../src/activities/types';
import { stack } from './stack';
import { temporal } from '@temporalio/proto';
import * as sa from '../../src/contract/search-attributes';

const flinkSearchAttributes = Object.values(sa);

export interface WorkflowTestKit {
  env: TestWorkflowEnvironment;
  /**
   * Runs `fn` while a worker with `activities` serves a fresh task queue (or `options.taskQueue`:
   * a worker replacing another; `cache: false`: no sticky cache, so a replacement picks up at once).
   */
  withWorker<T>(
    activities: FlinkDeployActivities,
    fn: (taskQueue: string) => Promise<T>,
    options?: { taskQueue?: string; cache?: boolean },
  ): Promise<T>;
  /**
   * Runs `workflow`, started by its imported function with its typed input, to its end while a
   * worker serves `activities`.
   */
  execute<I, R>(
    activities: FlinkDeployActivities,
    workflow: (input: I) => Promise<R>,
    input: I,
    workflowId: string,
  ): Promise<R>;
  teardown(): Promise<void>;
}

const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

/** `workflowsPath`: another workflows module (e.g. ours with some workflows stood in for), bundled once too. */
export async function createWorkflowTestKit(
  workflowsPath = require.resolve('../../src/workflows'),
): Promise<WorkflowTestKit> {
  if (!bundles.has(workflowsPath)) bundles.set(workflowsPath, bundleWorkflowCode({ workflowsPath, logger: undefined }));
  const workflowBundle = await bundles.get(workflowsPath)!;
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: stack.temporalTestServer } },
  });
  // The test server does not know our custom search attributes until told (the dev server of
  // the stack registers them at start).
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      flinkSearchAttributes.map((k) => [k.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
    ),
  });
  const withWorker: WorkflowTestKit['withWorker'] = async (activities, fn, options = {}) => {
    const taskQueue = options.taskQueue ?? `wf-test-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle,
      activities,
      ...(options.cache === false ? { maxCachedWorkflows: 0 } : {}),
    });
    return worker.runUntil(fn(taskQueue));
  };
  return {
    env,
    withWorker,
    execute(activities, workflow, input, workflowId) {
      return withWorker(activities, (taskQueue) =>
        env.client.workflow.execute(workflow, { taskQueue, workflowId, args: [input] }),
      );
    },
    teardown: () => env.teardown(),
  };
}
