/** The application spec: parse, validate, normalise, diff, hash. Imports nothing of ours. */
export * from './types';
export { parseAppSpec, parseAppSpecs, validateManifest, loadAppSpec, type ParseManyResult } from './parse';
export { InvalidSpecError, formatSpecIssues } from './errors';
export { diffSpecs } from './diff';
export { specHash, generateJobId, canonicalJson, sha256Hex } from './hash';
export { ConfigPurpose, configKey, configKeyNames, forcedConfig } from './flink-config';
export { mainContainerName, mergePodTemplates } from './pod-template';
export { parseFlinkVersion, formatFlinkVersion, isAtLeast } from './flink-version';
export { formatCpu } from './quantities';
export {
  jobManagerHa,
  haClusterId,
  defaultHaStorageDir,
  defaultFlinkServiceAccount,
  haTypeKeys,
  haOptOutField,
  type JobManagerHa,
} from './high-availability';
export * as specDefaults from './defaults';
