/**
 * Workflow test environment: the time-skipping test server from the stack's venv (nothing is
 * downloaded), the workflow code bundled once per test file, a fresh task queue per run.
 */
import { randomUUID } from 'node:crypto';
import type { Workflow } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { FlinkDeployActivities } from '../../src/activities/types';
import type { OperationResult } from '../../src/contract/operations';
import { stack } from './stack';
import { temporal } from '@temporalio/proto';
import * as sa from '../../src/contract/search-attributes';
import { HEARTBEAT_THROTTLE } from '../../src/worker/heartbeats';

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
      maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
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

/** What a worker takes its activities from: an in-memory or simulated cluster, a fleet. */
export interface ActivitySource {
  activities(): FlinkDeployActivities;
}

/** A test file's kit (see workflowRunner), and its runs under ids of its own. */
export interface WorkflowRunner extends Pick<WorkflowTestKit, 'env' | 'withWorker' | 'execute'> {
  /** `flink-deploy/default/<prefix>-<n>`, n counting from 1 in the file. */
  nextWorkflowId(): string;
  /**
   * Runs `workflow` (its name, or its imported function with its typed input) to its end while a worker serves
   * the source's activities, under `workflowId` or the next id.
   */
  run<R = OperationResult>(source: ActivitySource, workflow: string, input: unknown, workflowId?: string): Promise<R>;
  run<I, R>(source: ActivitySource, workflow: (input: I) => Promise<R>, input: I, workflowId?: string): Promise<R>;
}

/**
 * The set-up every workflow test file shares: a kit created before its first test (`workflowsPath`: see
 * createWorkflowTestKit) and torn down after its last; its runs' ids `flink-deploy/default/<prefix>-<n>`.
 */
export function workflowRunner(prefix: string, workflowsPath?: string): WorkflowRunner {
  let kit: WorkflowTestKit | undefined;
  let seq = 0;
  beforeAll(async () => {
    kit = await createWorkflowTestKit(workflowsPath);
  });
  afterAll(async () => {
    await kit?.teardown();
  });
  const created = (): WorkflowTestKit => {
    if (!kit) throw new Error('the workflow test kit is created in beforeAll: use it in a test or a hook after it');
    return kit;
  };
  const nextWorkflowId = () => `flink-deploy/default/${prefix}-${++seq}`;
  function run<R = OperationResult>(
    source: ActivitySource,
    workflow: string,
    input: unknown,
    workflowId?: string,
  ): Promise<R>;
  function run<I, R>(
    source: ActivitySource,
    workflow: (input: I) => Promise<R>,
    input: I,
    workflowId?: string,
  ): Promise<R>;
  function run(
    source: ActivitySource,
    workflow: string | Workflow,
    input: unknown,
    workflowId = nextWorkflowId(),
  ): Promise<unknown> {
    const { env, withWorker } = created();
    return withWorker(source.activities(), (taskQueue) =>
      env.client.workflow.execute(workflow, { taskQueue, workflowId, args: [input] }),
    );
  }
  return {
    get env() {
      return created().env;
    },
    withWorker: (activities, fn, options) => created().withWorker(activities, fn, options),
    execute: (activities, workflow, input, workflowId) => created().execute(activities, workflow, input, workflowId),
    nextWorkflowId,
    run,
  };
}
