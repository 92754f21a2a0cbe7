/**
 * Manifests in the Apache operator's format are either accepted, or refused with messages naming
 * each unsupported feature (and a hint). Our own corpus (test/fixtures/manifests: one manifest per
 * shape the operator's examples use, plus the other refusals) always runs; the Apache operator's
 * own examples run as well when `../shared/conformance` is beside the checkout (or FD_SHARED_DIR
 * names it).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseAppSpec } from '../../../src/spec';
import { stack } from '../../support/stack';

/** File → undefined (accepted) or the messages of its issues. */
type Expectations = Record<string, string[] | undefined>;

const Refused = {
  autoscaler: 'the autoscaler (job.autoscaler.enabled: true) is not supported yet',
  ingress: 'ingress is not supported yet',
  native: 'mode: native is not supported yet; use mode: standalone',
  sessionCluster: 'session mode (a FlinkDeployment without spec.job) is not supported yet',
  sessionJob: 'FlinkSessionJob is not supported yet (session mode comes later)',
  canary: 'operator canary resources (label flink.apache.org/canary) are not supported yet',
  snapshot: 'FlinkStateSnapshot is not supported yet',
  otherKind: (kind: string) =>
    `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind} cannot be deployed by flink-deploy; only ` +
    `FlinkDeployment documents are accepted`,
};

/** Our corpus: every issue is listed, in the order the parser reports them. */
const ours: Expectations = {
  'basic.yaml': undefined,
  'checkpoint-ha.yaml': undefined,
  'custom-logging.yaml': undefined,
  'pod-template.yaml': undefined,
  'reactive.yaml': undefined,
  'autoscaler.yaml': [Refused.autoscaler],
  'ingress.yaml': [Refused.ingress],
  'session-cluster-and-jobs.yaml': [Refused.sessionCluster, Refused.sessionJob, Refused.sessionJob],
  'session-cluster-only.yaml': [Refused.sessionCluster],
  'session-job-only.yaml': [Refused.sessionJob],
  'canary.yaml': [Refused.canary],
  'native-with-volume-claim.yaml': [
    Refused.ingress,
    Refused.native,
    Refused.otherKind('PersistentVolumeClaim'),
    Refused.otherKind('IngressClass'),
  ],
  'native-session-with-volume-claim.yaml': [
    Refused.ingress,
    Refused.native,
    Refused.sessionCluster,
    Refused.sessionJob,
    Refused.otherKind('PersistentVolumeClaim'),
  ],
  'snapshot-and-deployment.yaml': [Refused.snapshot],
  'snapshot-only.yaml': [Refused.snapshot],
  'blue-green.yaml': ['FlinkBlueGreenDeployment is not supported yet'],
  'operator-only-fields.yaml': [
    'job.checkpointTriggerNonce is not supported yet',
    'job.savepointRedeployNonce is not supported yet',
    'job.autoscalerResetNonce is not supported yet',
    'standby JobManagers (jobManager.replicas > 1) are not supported yet',
  ],
  'old-flink.yaml': ['Flink v1_17 is not supported'],
};

/** The Apache operator's examples: the messages that must be among the issues. */
const apache: Expectations = {
  'autoscaling-autoscaling.yaml': [Refused.autoscaler],
  'basic-checkpoint-ha.yaml': undefined,
  'basic-ingress.yaml': [Refused.ingress],
  'basic-reactive.yaml': undefined,
  'basic-session-deployment-and-job.yaml': [Refused.sessionCluster, Refused.sessionJob],
  'basic-session-deployment-only.yaml': [Refused.sessionCluster],
  'basic-session-job-only.yaml': [Refused.sessionJob],
  'basic.yaml': undefined,
  'canary.yaml': [Refused.canary],
  'custom-logging.yaml': undefined,
  'e2e-flinkdep-cr.yaml': [Refused.ingress, Refused.native, Refused.otherKind('PersistentVolumeClaim')],
  'e2e-sessionjob-cr.yaml': [Refused.ingress, Refused.native, Refused.sessionCluster, Refused.sessionJob],
  'pod-template.yaml': undefined,
  'snapshot-job-from-savepoint.yaml': [Refused.snapshot],
  'snapshot-savepoint-job-full-spec.yaml': [Refused.snapshot],
};

function checkCorpus(dir: string, expected: Expectations, match: 'exactly' | 'among'): void {
  const files = readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort();

  it('has an expectation for every manifest', () => {
    expect(files).toEqual(Object.keys(expected).sort());
  });

  it.each(files)('%s', (file) => {
    const result = parseAppSpec(readFileSync(path.join(dir, file), 'utf8'));
    const messages = expected[file];
    if (messages === undefined) {
      expect(result.ok ? [] : result.issues).toEqual([]);
      return;
    }
    expect(result.ok).toBe(false);
    const issues = result.ok ? [] : result.issues;
    const seen = issues.map((issue) => issue.message);
    if (match === 'exactly') expect(seen).toEqual(messages);
    else for (const message of messages) expect(seen).toContain(message);
    for (const issue of issues) expect(issue.hint).toBeTruthy();
  });
}

describe('flink-deploy manifests (test/fixtures/manifests)', () => {
  checkCorpus(path.join(__dirname, '..', '..', 'fixtures', 'manifests'), ours, 'exactly');
});

// An extra run, not a dependency: a plain clone has no ../shared. A directory named on purpose
// (FD_SHARED_DIR) must exist, though.
const apacheDir = stack.conformanceExamples;
if (process.env.FD_SHARED_DIR !== undefined || existsSync(apacheDir)) {
  describe(`Apache operator examples (${path.relative(stack.root, apacheDir)})`, () => {
    checkCorpus(apacheDir, apache, 'among');
  });
}
