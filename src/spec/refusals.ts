/**
 * Features of the Apache operator's manifests that flink-deploy does not support yet. Each is
 * refused with one message that names the feature, instead of being ignored.
 */
import { isRecord } from './yaml-documents';
import { formatFlinkVersion, imageFlinkVersion, isSupportedFlinkVersion, parseFlinkVersion } from './flink-version';
import { editDistance } from './suggest';
import { SpecIssueCode, type SpecIssue } from './types';

function unsupported(path: string, message: string, hint: string): SpecIssue {
  return { code: SpecIssueCode.Unsupported, path, message, hint };
}

/** The kinds flink-deploy reads (a kind within 2 edits of one, in any case, is taken for a typo of it). */
const flinkKinds = ['FlinkDeployment', 'FlinkSessionJob', 'FlinkStateSnapshot'];

/** Refusals for a document that is not a FlinkDeployment (or is an operator canary). */
export function documentRefusal(document: Record<string, unknown>): SpecIssue | undefined {
  const kind = document.kind;
  if (kind === 'FlinkBlueGreenDeployment') {
    return unsupported(
      'kind',
      'FlinkBlueGreenDeployment is not supported yet',
      'Use a FlinkDeployment; upgrades go through savepoints.',
    );
  }
  if (typeof kind === 'string' && kind !== 'FlinkDeployment') {
    // A misspelt kind (FlinkDeploymnet, flinkdeployment) is a typo to fix, not an object for kubectl.
    const meant = flinkKinds.find((k) => editDistance(kind.toLowerCase(), k.toLowerCase()) <= 2);
    if (meant)
      return {
        code: SpecIssueCode.InvalidValue,
        path: 'kind',
        message: `unknown kind ${kind} (did you mean ${meant}?)`,
        hint: `Set kind: ${meant} (kinds are case-sensitive).`,
      };
    return {
      code: SpecIssueCode.InvalidValue,
      path: 'kind',
      message:
        `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind} cannot be deployed by flink-deploy; only ` +
        `FlinkDeployment documents are accepted`,
      hint: `Remove the ${kind} from this file and apply it with kubectl.`,
    };
  }
  const metadata = document.metadata;
  const labels = isRecord(metadata) ? metadata.labels : undefined;
  if (isRecord(labels) && String(labels['flink.apache.org/canary']) === 'true') {
    return unsupported(
      'metadata.labels["flink.apache.org/canary"]',
      'operator canary resources (label flink.apache.org/canary) are not supported yet',
      'Canaries check the health of the Apache operator; flink-deploy needs no canary. Remove this document.',
    );
  }
  return undefined;
}

/** Refusals inside a FlinkDeployment `spec` (checked on the raw value, before the schema). */
export function specRefusals(spec: unknown): SpecIssue[] {
  if (!isRecord(spec)) return [];
  const issues: SpecIssue[] = [];
  const job = spec.job;
  if (isRecord(job)) {
    const nonces: Record<string, string> = {
      checkpointTriggerNonce: 'Checkpoints are taken by Flink on its interval (execution.checkpointing.interval).',
      savepointRedeployNonce: 'Redeploy from a savepoint with `flink-deploy rollback --savepoint <path>`.',
    };
    for (const [field, hint] of Object.entries(nonces)) {
      if (job[field] !== undefined)
        issues.push(unsupported(`spec.job.${field}`, `job.${field} is not supported yet`, `Remove it. ${hint}`));
    }
  }
  const jobManager = spec.jobManager;
  if (isRecord(jobManager) && Number.isInteger(jobManager.replicas) && Number(jobManager.replicas) > 1) {
    issues.push(
      unsupported(
        'spec.jobManager.replicas',
        'standby JobManagers (jobManager.replicas > 1) are not supported yet',
        'Set jobManager.replicas to 1; Kubernetes restarts a failed JobManager.',
      ),
    );
  }
  if (typeof spec.flinkVersion === 'string') {
    const version = parseFlinkVersion(spec.flinkVersion);
    if (version && !isSupportedFlinkVersion(version)) {
      issues.push(
        unsupported(
          'spec.flinkVersion',
          `Flink ${formatFlinkVersion(version)} is not supported`,
          'flink-deploy deploys Flink v1_18 and newer (v1_18, v1_19, v1_20, v2_x).',
        ),
      );
    }
    const imageVersion = typeof spec.image === 'string' ? imageFlinkVersion(spec.image) : undefined;
    if (version && imageVersion && imageVersion.major !== version.major) {
      // The configuration file (flink-conf.yaml or config.yaml) and key names follow flinkVersion.
      issues.push({
        code: SpecIssueCode.InvalidValue,
        path: 'spec.flinkVersion',
        message:
          `flinkVersion ${formatFlinkVersion(version)} does not match the image ${spec.image} ` +
          `(Flink ${imageVersion.major}.${imageVersion.minor}): Flink ${imageVersion.major}.x would not read ` +
          `the configuration rendered for Flink ${version.major}.x`,
        hint:
          `Set flinkVersion: ${formatFlinkVersion(imageVersion)}, ` +
          `or an image of Flink ${version.major}.${version.minor}.`,
      });
    }
  }
  return issues;
}
