/**
 * A Flink application in standalone application mode, as plain Kubernetes objects shaped like
 * the Apache operator's basic.yaml: ConfigMap `<app>-config`, Services `<app>` (RPC, blob) and
 * `<app>-rest`, Deployments `<app>-jobmanager` and `<app>-taskmanager`.
 */
import type * as k8s from '@kubernetes/client-node';
import { kube } from './cluster';

/** The application to create. */
export interface FlinkAppInput {
  namespace: string;
  app: string;
  jobId: string;
  /** Class in a jar of the jobs dir (usrlib). */
  jobClass: string;
  image?: string;
  /** More `key: value` lines of the Flink config. */
  extraConfig?: string[];
}

/** The StateMachineExample of flink-examples-streaming (in .stack/jobs). */
export const STATE_MACHINE_CLASS = 'org.apache.flink.streaming.examples.statemachine.StateMachineExample';

function labels(app: string, component: string): Record<string, string> {
  return { 'app.kubernetes.io/name': app, 'app.kubernetes.io/component': component };
}

/** Label selector of a component's pods. */
export function selectorOf(app: string, component: 'jobmanager' | 'taskmanager'): string {
  return `app.kubernetes.io/name=${app},app.kubernetes.io/component=${component}`;
}

/** Creates the application's objects. */
export async function createFlinkApp(input: FlinkAppInput): Promise<void> {
  const { namespace, app } = input;
  const image = input.image ?? 'flink:2.3';
  const config = [
    `jobmanager.rpc.address: ${app}`,
    'jobmanager.rpc.port: 6123',
    'blob.server.port: 6124',
    'taskmanager.numberOfTaskSlots: 2',
    'taskmanager.rpc.port: 6122',
    'parallelism.default: 2',
    'execution.checkpointing.interval: 2s',
    `execution.checkpointing.dir: file:///flink-data/checkpoints`,
    `execution.checkpointing.savepoint-dir: file:///flink-data/savepoints`,
    'execution.shutdown-on-application-finish: false',
    ...(input.extraConfig ?? []),
  ].join('\n');
  await kube.core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: `${app}-config` }, data: { 'config.yaml': config } },
  });
  const service = (name: string, ports: k8s.V1ServicePort[]): k8s.V1Service => ({
    metadata: { name },
    spec: { selector: labels(app, 'jobmanager'), ports },
  });
  await kube.core.createNamespacedService({
    namespace,
    body: service(app, [
      { name: 'rpc', port: 6123 },
      { name: 'blob', port: 6124 },
    ]),
  });
  await kube.core.createNamespacedService({ namespace, body: service(`${app}-rest`, [{ name: 'rest', port: 8081 }]) });
  const volumes: k8s.V1Volume[] = [
    { name: 'flink-config', configMap: { name: `${app}-config` } },
    { name: 'flink-data', hostPath: { path: `/flink-data/${namespace}/${app}`, type: 'DirectoryOrCreate' } },
  ];
  const mounts: k8s.V1VolumeMount[] = [
    { name: 'flink-config', mountPath: '/opt/flink/conf' },
    { name: 'flink-data', mountPath: '/flink-data' },
  ];
  const deployment = (component: 'jobmanager' | 'taskmanager', container: k8s.V1Container): k8s.V1Deployment => ({
    metadata: { name: `${app}-${component}`, labels: labels(app, component) },
    spec: {
      replicas: 1,
      strategy: { type: 'Recreate' },
      selector: { matchLabels: labels(app, component) },
      template: {
        metadata: { labels: labels(app, component) },
        spec: {
          terminationGracePeriodSeconds: 10,
          volumes,
          containers: [{ ...container, image, volumeMounts: mounts }],
        },
      },
    },
  });
  await kube.apps.createNamespacedDeployment({
    namespace,
    body: deployment('jobmanager', {
      name: 'flink-main-container',
      args: ['standalone-job', '--job-classname', input.jobClass, '--job-id', input.jobId],
      ports: [
        { name: 'rest', containerPort: 8081 },
        { name: 'rpc', containerPort: 6123 },
        { name: 'blob', containerPort: 6124 },
      ],
      readinessProbe: { httpGet: { path: '/config', port: 'rest' }, periodSeconds: 2 },
    }),
  });
  await kube.apps.createNamespacedDeployment({
    namespace,
    body: deployment('taskmanager', {
      name: 'flink-main-container',
      args: ['taskmanager'],
      ports: [{ name: 'rpc', containerPort: 6122 }],
    }),
  });
}
