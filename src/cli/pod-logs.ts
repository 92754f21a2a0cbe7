/**
 * The Flink logs of an application, as `kubectl logs` shows them: the API server's pod logs of its
 * JobManager and TaskManager pods (their main container), each line prefixed with the pod's name.
 * The Kubernetes client is loaded only when `logs` runs.
 */
import { Writable, type Readable } from 'node:stream';
import type * as KubeClient from '@kubernetes/client-node';
import type { Settings } from '../config/settings';
import type { AppRef } from '../contract/app';
import type * as K8s from '../k8s';
import { LabelKey, managedBy } from '../k8s/render/labels';
import { Component } from '../k8s/render/names';
import { CliError, CliErrorCode } from './errors';
import { kubeReadError } from './kube-read-error';
import type { TextStream } from './io';

/** The container Flink runs in, in every pod flink-deploy renders (the operator's name for it). */
export const flinkContainer = 'flink-main-container';

/** Which pods: the JobManager's, the TaskManagers'. */
export type LogComponent = (typeof Component)[keyof typeof Component];

/** Input of `streamPodLogs`. */
export interface PodLogsInput {
  settings: Settings;
  app: AppRef;
  components: readonly LogComponent[];
  follow: boolean;
  /** Lines from the end of each pod's log; undefined = all. */
  tailLines?: number;
  out: TextStream;
  /** Called with a function that stops following (on Ctrl-C). */
  onStop(stop: () => void): void;
}

/** The label selector of the application's pods of `components`. */
export function podSelector(app: string, components: readonly LogComponent[]): string {
  return (
    `${LabelKey.Instance}=${app},${LabelKey.ManagedBy}=${managedBy},` +
    `${LabelKey.Component} in (${components.join(',')})`
  );
}

/** A stream that writes whole lines, each prefixed (a partial last line waits for its end). */
function prefixedLines(prefix: string, out: TextStream): Writable & { flushRest(): void } {
  let rest = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) out.write(`${prefix}${line}\n`);
      done();
    },
  });
  return Object.assign(stream, {
    flushRest() {
      if (rest) out.write(`${prefix}${rest}\n`);
      rest = '';
    },
  });
}

function kubeError(app: AppRef, err: unknown): CliError {
  return kubeReadError(
    `the logs of ${app.namespace}/${app.name}`,
    err,
    'Check --kubeconfig / --context (KUBECONFIG, FLINK_DEPLOY_KUBECONFIG), that the API server is reachable, ' +
      'and that you may get pods/log in the namespace.',
  );
}

/**
 * Writes the logs of the application's pods to `out` (ordered by pod, JobManager first); with `follow`,
 * until every stream ends or `onStop`'s function is called. Returns the pods read.
 */
export async function streamPodLogs(input: PodLogsInput): Promise<string[]> {
  const { app, out } = input;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const k8s = require('../k8s') as typeof K8s;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const client = require('@kubernetes/client-node') as typeof KubeClient;
  let kubeConfig: KubeClient.KubeConfig;
  let pods: KubeClient.V1Pod[];
  try {
    // A kubeconfig that cannot be used (none, unparsable, an unknown --context) is exit 2, as plan and status say.
    kubeConfig = k8s.loadKubeConfig({ path: input.settings.kubeconfig, context: input.settings.kubeContext });
    const list = await k8s
      .createKubeClients(kubeConfig)
      .core.listNamespacedPod({ namespace: app.namespace, labelSelector: podSelector(app.name, input.components) });
    pods = list.items;
  } catch (err) {
    throw kubeError(app, err);
  }
  const names = pods
    .map((pod) => ({
      name: pod.metadata?.name ?? '',
      jobManager: pod.metadata?.labels?.[LabelKey.Component] === Component.JobManager,
    }))
    .sort((a, b) => Number(b.jobManager) - Number(a.jobManager) || a.name.localeCompare(b.name))
    .map((pod) => pod.name);
  if (names.length === 0) {
    throw new CliError({
      code: CliErrorCode.NotFound,
      message: `${app.namespace}/${app.name} has no ${input.components.join(' or ')} pods`,
      hint:
        'Check the name and -n namespace; a suspended or never deployed application has none (flink-deploy ' +
        'status).',
    });
  }
  const log = new client.Log(kubeConfig);
  const controllers: AbortController[] = [];
  let stopped = false;
  input.onStop(() => {
    stopped = true;
    for (const controller of controllers) controller.abort();
  });
  // The client's Log pipes the response into our stream and never calls a done callback: its end is our
  // stream's 'finish'; its errors (an abort on Ctrl-C among them) are the piped source's 'error'.
  const read = (pod: string) =>
    new Promise<void>((resolve, reject) => {
      const stream = prefixedLines(names.length > 1 ? `[${pod}] ` : '', out);
      const end = (err?: unknown) => {
        stream.flushRest();
        if (err && !stopped) reject(kubeError(app, err));
        else resolve();
      };
      stream.on('finish', () => end());
      stream.on('pipe', (source: Readable) => source.on('error', end));
      log
        .log(app.namespace, pod, flinkContainer, stream, { follow: input.follow, tailLines: input.tailLines })
        .then((controller) => {
          controllers.push(controller);
          if (stopped) controller.abort();
        }, end);
    });
  // Without -f, one pod after the other (readable); with -f, every pod at once.
  if (input.follow) await Promise.all(names.map(read));
  else for (const pod of names) await read(pod);
  return names;
}
