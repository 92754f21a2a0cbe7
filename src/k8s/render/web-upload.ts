/**
 * A JobManager that takes jobs through REST (`POST /jars/upload`, `POST /jars/:id/run`): Flink's
 * `jobmanager` entry point (a session cluster) with its web upload folder (`web.upload.dir`) on a
 * volume of the pod, so the jars outlive a restart of the JobManager's container. Used by
 * blue/green generations (./generation.ts) and session clusters (./application.ts). Pure.
 */
import type { V1PodSpec, V1Volume, V1VolumeMount } from '@kubernetes/client-node';

/** Where the JobManager pod's jar folder is mounted; Flink serves `<it>/flink-web-upload`. */
export const webUploadRoot = '/flink-web';
/** Flink appends this folder to `web.upload.dir`; `GET /jars` lists the jars in it. */
export const webUploadFolder = `${webUploadRoot}/flink-web-upload`;
const webUploadVolume = 'flink-web-upload';

export const webUploadMount: V1VolumeMount = { name: webUploadVolume, mountPath: webUploadRoot };
const webUploadEmptyDir: V1Volume = { name: webUploadVolume, emptyDir: {} };

/** The JobManager's configuration for it: the web upload folder. */
export const sessionJobManagerConfig = { 'web.upload.dir': webUploadRoot } as const;

/** The JobManager pod `pod` (main container first) turned into a session JobManager, in place. */
export function asSessionJobManager(pod: V1PodSpec): void {
  const main = pod.containers[0]!;
  main.args = ['jobmanager'];
  main.volumeMounts = [...(main.volumeMounts ?? []), webUploadMount];
  pod.volumes = [...(pod.volumes ?? []), webUploadEmptyDir];
}
