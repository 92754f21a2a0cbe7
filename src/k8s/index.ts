/**
 * The Kubernetes side of flink-deploy: kubeconfig loading, the facade the activities use, the
 * deployed-state record and lock, and classified errors. (Rendering lives in `./render`.)
 */
export * from './config/load-kube-config';
export * from './config/clients';
export { defaultServiceAccountDir, runsInCluster } from './config/in-cluster';
export * from './errors/codes';
export * from './errors/kube-api-error';
export { classifyKubeError } from './errors/classify';
export * from './facade/types';
export * from './facade/kube-facade';
export * from './facade/pod-readiness';
export type { AppPodsReport, ListAppPodsInput } from './facade/pods';
export {
  readyEndpointAddresses,
  readyAddressesOf,
  readyAddressesFromPods,
  type ReadyEndpointAddressesInput,
} from './facade/endpoints';
export * from './state-record/types';
export * from './state-record/errors';
export * from './state-record/lock';
export * from './state-record/bounds';
export * from './state-record/store';
export * from './state-record/owner-reference';
export { RECORD_KEY, recordLabels } from './state-record/codec';
