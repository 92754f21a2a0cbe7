/**
 * What Flink itself says of the application's job, for `status`: read through the same
 * endpoint resolution as the worker (Service DNS in a cluster, the Service's ready pods from
 * outside). Never fails the command: an unreachable JobManager is reported as such.
 */
import type { Settings } from '../config/settings';
import type * as Flink from '../flink';
import type * as K8s from '../k8s';
import type { AppRef } from '../contract/app';

/** `status` asks Flink once for the job's state; a JobManager slower than this is reported as not answering. */
const JOB_STATE_READ_TIMEOUT_MS = 3_000;

export interface JobStateView {
  /** Flink's job state (RUNNING, FINISHED, ...), when Flink answered. */
  state?: string;
  /** Why the state could not be read. */
  error?: string;
}

export async function readJobState(settings: Settings, app: AppRef, jobId: string): Promise<JobStateView> {
  // Loaded lazily, like the record reader: only `status` pays for these clients.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const k8s = require('../k8s') as typeof K8s;
  const flink = require('../flink') as typeof Flink;
  /* eslint-enable @typescript-eslint/no-require-imports */
  try {
    const kube = k8s.createKubeFacade(
      k8s.createKubeClients(k8s.loadKubeConfig({ path: settings.kubeconfig, context: settings.kubeContext })),
    );
    const lookup: Flink.FlinkEndpointLookup =
      settings.flinkEndpoint === 'service-dns'
        ? { kind: 'service-dns' }
        : { kind: 'endpoint-slice', listReadyAddresses: (input) => kube.readyEndpointAddresses(input) };
    const baseUrl = await flink.resolveFlinkEndpoint({ app: app.name, namespace: app.namespace, lookup });
    const client = new flink.FlinkRestClient({ baseUrl, timeouts: { read: JOB_STATE_READ_TIMEOUT_MS } });
    return { state: (await client.jobDetails(jobId)).state };
  } catch (err) {
    return { error: (err as Error).message };
  }
}
