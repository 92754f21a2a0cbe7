/**
 * The worker: connects to Temporal, builds the clients once, registers the workflows and
 * activities on the task queue, exposes Prometheus metrics, shuts down gracefully on
 * SIGINT/SIGTERM (the running activity finishes or is retried elsewhere).
 */
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { activityConfigOf, createActivities } from '../activities';
import type { Settings } from '../config/settings';
import { describeSettings, settingNamed, SettingsError } from '../config/settings';
import { connectWithRetry, workerConnectRetry } from '../config/connect-retry';
import { temporalConnectConfig } from '../config/temporal-connection';
import { Client } from '@temporalio/client';
import { createWorkerClients } from './clients';
import { observerActivities } from '../activities/observe';
import { runLookupOf } from '../config/run-lookup';
import { createLogger, temporalLogger } from './logger';
import { observerMetrics } from './observer-metrics';
import { operationHistogramBuckets, operationMetrics } from './operation-metrics';
import { startObserver } from './start-observer';
import { workflowCode } from './workflow-code';
import { dataConverterOf } from '../codec';
import { startHealthEndpoint, StartingState, type HealthEndpoint } from './health';
import { HEARTBEAT_THROTTLE } from './heartbeats';

/**
 * How long a shutdown (SIGTERM, SIGINT) may wait for the running activities to end once cancelled; then the
 * worker stops all the same (they are retried by another worker: every step is idempotent). Every call an
 * activity makes is bounded (Kubernetes: KUBE_REQUEST_TIMEOUT_MS, Flink: its client's timeouts), so this is a
 * bound that should not be reached; it is under the chart's `terminationGracePeriodSeconds` (60 s), so the
 * worker stops on its own before the kubelet kills it.
 */
const SHUTDOWN_FORCE_TIME = '45s';

/**
 * Starts what listens on an address setting; an address it cannot listen on (another worker on the machine holds
 * the port) is a SettingsError naming the setting, its flag and env var (the CLI: exit 2).
 */
async function listening<T>(
  settings: Settings,
  key: 'metricsAddress' | 'healthAddress',
  start: () => T | Promise<T>,
): Promise<T> {
  try {
    return await start();
  } catch (err) {
    const setting = settingNamed(key);
    throw new SettingsError(
      setting.name,
      `cannot listen on ${String(settings[key])}, ${setting.text}: ${(err as Error).message}; ` +
        'is another worker running on this machine?',
    );
  }
}

export async function runWorker(settings: Settings): Promise<void> {
  const logger = createLogger(settings.logLevel);
  await listening(settings, 'metricsAddress', async () =>
    Runtime.install({
      logger: temporalLogger(logger, 'WARN'),
      telemetryOptions: {
        metrics: {
          prometheus: { bindAddress: settings.metricsAddress, histogramBucketOverrides: operationHistogramBuckets },
        },
      },
    }),
  );
  logger.info({ settings: describeSettings(settings) }, 'starting flink-deploy worker');
  // glibc reads it at process start (it cannot be a setting read here): the chart and the image set it.
  if (!process.env.MALLOC_ARENA_MAX)
    logger.warn(
      'MALLOC_ARENA_MAX is not set: glibc keeps up to 8 malloc arenas per core, about 100 MB more resident ' +
        'memory at a thousand applications; start the worker with MALLOC_ARENA_MAX=2 (docs/fleet.md, worker memory)',
    );
  // Served from the start: not ready while connecting, ready once the worker polls (health.ts).
  let worker: Worker | undefined;
  const health: HealthEndpoint | undefined = settings.healthAddress
    ? await listening(settings, 'healthAddress', () =>
        startHealthEndpoint(settings.healthAddress!, () => worker?.getState() ?? StartingState),
      )
    : undefined;
  if (health) logger.info({ health: `http://${health.address}/readyz` }, 'health endpoint serving');
  const { connectionOptions, namespace } = temporalConnectConfig(settings);
  const connection = await connectWithRetry(() => NativeConnection.connect(connectionOptions), {
    ...workerConnectRetry,
    onRetry: ({ attempt, waitMs, error }) =>
      logger.warn(
        { temporalAddress: settings.temporalAddress, attempt, retryInMs: waitMs, error: String(error) },
        'cannot reach Temporal yet; retrying',
      ),
  }).catch(async (err: unknown) => {
    await health?.close();
    throw err;
  });
  const clients = createWorkerClients(settings);
  const workflows = workflowCode(undefined, settings.workflowBundle);
  try {
    const dataConverter = dataConverterOf(settings.payloadKeys);
    worker = await Worker.create({
      connection,
      dataConverter,
      namespace,
      shutdownForceTime: SHUTDOWN_FORCE_TIME,
      maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
      taskQueue: settings.taskQueue,
      ...workflows.options,
      activities: {
        ...createActivities({
          kube: clients.kube,
          flinkFor: clients.flinkFor,
          config: activityConfigOf(settings),
          // Whether a lock's holder run is closed (then the next operation releases its lock).
          runs: runLookupOf(new Client({ connection, namespace, dataConverter })),
          metrics: operationMetrics(Runtime.instance().metricMeter),
        }),
        ...observerActivities({
          kube: clients.kube,
          flinkFor: clients.flinkFor,
          metrics: observerMetrics(Runtime.instance().metricMeter),
          namespaces: settings.observeNamespaces,
        }),
      },
    });
    await startObserver({
      connection,
      namespace,
      taskQueue: settings.taskQueue,
      intervalMs: settings.observeIntervalMs,
      dataConverter,
    }).then(
      (observer) => logger.info(observer, 'observer running'),
      (err: unknown) => logger.error({ error: String(err) }, 'could not start the observer; operations are served'),
    );
    logger.info(
      {
        taskQueue: settings.taskQueue,
        namespace,
        metrics: `http://${settings.metricsAddress}/metrics`,
        workflowCode: workflows.file,
        kubernetes: clients.kubeCredentials,
      },
      'worker running',
    );
    await worker.run();
    logger.info('worker stopped');
  } finally {
    await connection.close();
    await clients.close();
    await health?.close();
  }
}
