/**
 * Every manifest of the Apache operator's examples is either accepted, or refused with a
 * message naming the unsupported feature.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseAppSpec } from '../../../src/spec';
import { stack } from '../../support/stack';

const dir = stack.conformanceExamples;

/** File → undefined (accepted) or the messages that must be among the issues. */
const expected: Record<string, string[] | undefined> = {
  'autoscaling-autoscaling.yaml': ['the autoscaler (job.autoscaler.enabled: true) is not supported yet'],
  'basic-checkpoint-ha.yaml': undefined,
  'basic-ingress.yaml': ['ingress is not supported yet'],
  'basic-reactive.yaml': undefined,
  'basic-session-deployment-and-job.yaml': [
    'session mode (a FlinkDeployment without spec.job) is not supported yet',
    'FlinkSessionJob is not supported yet (session mode comes later)',
  ],
  'basic-session-deployment-only.yaml': ['session mode (a FlinkDeployment without spec.job) is not supported yet'],
  'basic-session-job-only.yaml': ['FlinkSessionJob is not supported yet (session mode comes later)'],
  'basic.yaml': undefined,
  'canary.yaml': ['operator canary resources (label flink.apache.org/canary) are not supported yet'],
  'custom-logging.yaml': undefined,
  'e2e-flinkdep-cr.yaml': [
    'ingress is not supported yet',
    'mode: native is not supported yet; use mode: standalone',
    'a PersistentVolumeClaim cannot be deployed by flink-deploy; only FlinkDeployment documents are accepted',
  ],
  'e2e-sessionjob-cr.yaml': [
    'ingress is not supported yet',
    'mode: native is not supported yet; use mode: standalone',
    'session mode (a FlinkDeployment without spec.job) is not supported yet',
    'FlinkSessionJob is not supported yet (session mode comes later)',
  ],
  'pod-template.yaml': undefined,
  'snapshot-job-from-savepoint.yaml': ['FlinkStateSnapshot is not supported yet'],
  'snapshot-savepoint-job-full-spec.yaml': ['FlinkStateSnapshot is not supported yet'],
};

describe('Apache operator examples', () => {
  const files = readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort();

  it('has an expectation for every example file', () => {
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
    for (const message of messages) expect(issues.map((issue) => issue.message)).toContain(message);
    for (const issue of issues) expect(issue.hint).toBeTruthy();
  });
});
