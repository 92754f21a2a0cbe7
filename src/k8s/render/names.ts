/** Names, ports and mount paths of the objects rendered for an application. */

/** Flink's ports, fixed for every application (each pod has its own IP). */
export const FlinkPort = { Rpc: 6123, Blob: 6124, Rest: 8081 } as const;

/** Where the ConfigMap is mounted in every Flink container. */
export const flinkConfDir = '/opt/flink/conf';

/** The Flink process roles. */
export const Component = { JobManager: 'jobmanager', TaskManager: 'taskmanager' } as const;
export type Component = (typeof Component)[keyof typeof Component];

/** The names of the objects of application `app`. */
export function objectNames(app: string): {
  configMap: string;
  jobManager: string;
  taskManager: string;
  rpcService: string;
  restService: string;
  /** The Ingress of `spec.ingress` (named as the Apache operator names it). */
  ingress: string;
} {
  return {
    configMap: `${app}-config`,
    jobManager: `${app}-jobmanager`,
    taskManager: `${app}-taskmanager`,
    rpcService: app,
    restService: `${app}-rest`,
    ingress: app,
  };
}
