/** Pure rendering of an application spec into Kubernetes objects. */
export { renderApplication, RenderInputError, type RenderInput, type RenderedApplication } from './application';
export { jobManagerArgs, usrlibDir, type RestoreInput } from './jobmanager-args';
export {
  effectiveFlinkConfiguration,
  configFileName,
  renderConfigFile,
  defaultAsyncStoreDuration,
} from './flink-config-file';
export { AnnotationKey, LabelKey, managedBy, selectorLabels, objectLabels, type OwnerRef } from './labels';
export { Component, FlinkPort, flinkConfDir, objectNames } from './names';
export { containerResources } from './pod-template';
export { haConfiguration, haConfigMapSelector, flinkServiceAccount } from './high-availability';
export { defaultLog4jConsoleProperties } from './log4j';
export { renderIngress, ingressComponent } from './ingress';
export { renderSessionJobService } from './session-job';
export { generateJobId, specHash } from '../../spec';
export {
  asGeneration,
  generationJarId,
  generationObjectNames,
  generationPodSelector,
  generationPrefix,
  isBlueGreen,
  jarCopyContainerName,
  renderLiveRestService,
  webUploadFolder,
} from './generation';
