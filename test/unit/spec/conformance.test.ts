/**
 * Manifests in the Apache operator's format: what `validate` (every document checked, `parseManifestFile`)
 * and `apply`/`plan` (the one application, `parseAppSpec`) make of each. Two corpora: ours
 * (test/fixtures/manifests: one manifest per shape the operator's examples use, plus the refusals) and the
 * Apache operator's 15 examples, copied as they are into test/fixtures/apache-operator.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseAppSpecs } from '../../../src/spec';
import { parseManifestFile, type FileDocument } from '../../../src/spec/manifest-file';

const placeholder = (uri: string) => `jarURI ${uri} is a placeholder to fill in: the job cannot run`;
const otherKind = (kind: string) =>
  `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind} cannot be deployed by flink-deploy; only ` +
  `FlinkDeployment documents are accepted`;
const onlyCanaries = 'the file holds only operator canaries: there is no application to deploy';
const onlySnapshot = 'the file holds a FlinkStateSnapshot, not an application';

/**
 * One manifest: the kinds `validate` finds (undefined: validate refuses it, with `refused` messages), the
 * messages `apply` refuses it with (undefined: apply runs it), and the paths of the notes said.
 */
interface Expectation {
  documents?: FileDocument['kind'][];
  refused?: string[];
  apply?: string[];
  notes?: string[];
}

const native = 'spec.mode';
const operatorKeys = (key: string) => `spec.flinkConfiguration["kubernetes.operator.${key}"]`;
const lastStateInterval = 'spec.flinkConfiguration["execution.checkpointing.interval"]';

const apache: Record<string, Expectation> = {
  'autoscaling-autoscaling.yaml': {
    documents: ['application'],
    notes: ['spec.flinkConfiguration["job.autoscaler.enabled"]'],
  },
  // Its kubernetes.operator.savepoint.format.type is honoured (NATIVE), not a note.
  'basic-checkpoint-ha.yaml': { documents: ['application'] },
  'basic-ingress.yaml': { documents: ['application'] },
  'basic-reactive.yaml': { documents: ['application'] },
  'basic-session-deployment-and-job.yaml': {
    documents: ['session-cluster', 'session-job', 'session-job'],
  },
  'basic-session-deployment-only.yaml': { documents: ['session-cluster'] },
  'basic-session-job-only.yaml': { documents: ['session-job'] },
  'basic.yaml': { documents: ['application'] },
  'canary.yaml': {
    documents: ['canary'],
    apply: [onlyCanaries],
    notes: ['metadata.labels["flink.apache.org/canary"]'],
  },
  'custom-logging.yaml': { documents: ['application'] },
  'e2e-flinkdep-cr.yaml': {
    documents: ['application', 'kubernetes-object', 'kubernetes-object'],
    apply: [otherKind('PersistentVolumeClaim'), otherKind('IngressClass')],
    notes: [native, operatorKeys('snapshot.resource.enabled'), lastStateInterval, 'kind', 'kind'],
  },
  'e2e-sessionjob-cr.yaml': {
    documents: ['session-cluster', 'session-job', 'kubernetes-object', 'kubernetes-object'],
    apply: [placeholder('STREAMING_EXAMPLES_JAR_URL'), otherKind('PersistentVolumeClaim'), otherKind('IngressClass')],
    notes: [native, operatorKeys('snapshot.resource.enabled'), 'spec.job.jarURI', 'kind', 'kind'],
  },
  'pod-template.yaml': { documents: ['application'] },
  'snapshot-job-from-savepoint.yaml': {
    documents: ['snapshot', 'application'],
    notes: ['spec.savepoint.disposeOnDelete'],
  },
  'snapshot-savepoint-job-full-spec.yaml': {
    documents: ['snapshot'],
    apply: [onlySnapshot],
    notes: ['spec.savepoint.disposeOnDelete', 'spec.backoffLimit'],
  },
};

/**
 * Which of the Apache operator's examples run on the local stack as written, and why the others do not
 * (a proof of each that runs is in test/long or test/e2e; the reasons are about the examples, not flink-deploy).
 */
/**
 * An example with a placeholder to fill in and documents of kubectl's, as the Apache operator's e2e script uses it:
 * the placeholder filled, the documents of Flink's kinds applied with flink-deploy and the rest with kubectl.
 */
interface RunsFilledIn {
  placeholder: string;
  kubectl: string[];
  proof: string;
}

const runsHere: Record<string, true | string | RunsFilledIn> = {
  'basic.yaml': true, // test/long/operator-basic.test.ts
  'basic-ingress.yaml': true,
  // test/long/operator-stateful.test.ts (their prerequisites: the node's /tmp/flink, the ServiceAccount flink).
  'basic-checkpoint-ha.yaml': true,
  'basic-reactive.yaml': true,
  'custom-logging.yaml': true,
  // Its busybox init container runs (test/long/operator-e2e-flinkdep.test.ts runs one); its sidecar does not.
  'pod-template.yaml':
    'its sidecar’s image fluent/fluent-bit is in no package registry (and its jar is fetched from Maven Central)',
  'autoscaling-autoscaling.yaml': 'its image autoscaling-example is built by the operator project, not published',
  // Its busybox init container fetches the jar at the placeholder's URL into the Flink container's usrlib.
  'e2e-flinkdep-cr.yaml': {
    placeholder: 'STREAMING_EXAMPLES_JAR_URL',
    kubectl: ['PersistentVolumeClaim', 'IngressClass'],
    proof: 'test/long/operator-e2e-flinkdep.test.ts',
  },
  // test/long/operator-stateful.test.ts, with a savepoint of the same job put at the path it starts from.
  'snapshot-job-from-savepoint.yaml': true,
  // test/long/operator-stateful.test.ts, of example-deployment: its CANONICAL declined by Flink 2 for that job
  // (exit 1, the job running again), as under the Apache operator; with NATIVE, taken into its path.
  'snapshot-savepoint-job-full-spec.yaml': true,
  // test/long/session-rollout.test.ts: its TaskManagers started on demand, its jars through a mirror of Maven Central.
  'basic-session-deployment-and-job.yaml': true,
  // test/long/session-rollout.test.ts, each applied alone: the job on the cluster (2 TaskManagers for its 4 slots).
  'basic-session-deployment-only.yaml': true,
  'basic-session-job-only.yaml': true,
  'e2e-sessionjob-cr.yaml': {
    placeholder: 'STREAMING_EXAMPLES_JAR_URL',
    kubectl: ['PersistentVolumeClaim', 'IngressClass'],
    proof: 'test/long/operator-e2e-sessionjob.test.ts',
  },
  'canary.yaml': 'a canary describes no job',
};

const ours: Record<string, Expectation> = {
  'basic.yaml': { documents: ['application'] },
  'checkpoint-ha.yaml': { documents: ['application'], notes: [operatorKeys('savepoint.history.max.count')] },
  'custom-logging.yaml': { documents: ['application'] },
  'pod-template.yaml': { documents: ['application'] },
  'reactive.yaml': { documents: ['application'] },
  'autoscaler.yaml': { documents: ['application'], notes: ['spec.flinkConfiguration["job.autoscaler.enabled"]'] },
  'ingress.yaml': { documents: ['application'] },
  'session-cluster-and-jobs.yaml': {
    documents: ['session-cluster', 'session-job', 'session-job'],
  },
  'session-cluster-only.yaml': { documents: ['session-cluster'] },
  'session-job-only.yaml': { documents: ['session-job'] },
  'canary.yaml': {
    documents: ['canary'],
    apply: [onlyCanaries],
    notes: ['metadata.labels["flink.apache.org/canary"]'],
  },
  'native-with-volume-claim.yaml': {
    documents: ['application', 'kubernetes-object', 'kubernetes-object'],
    apply: [otherKind('PersistentVolumeClaim'), otherKind('IngressClass')],
    notes: [native, 'kind', 'kind'],
  },
  'native-session-with-volume-claim.yaml': {
    documents: ['session-cluster', 'session-job', 'kubernetes-object'],
    apply: [otherKind('PersistentVolumeClaim')],
    notes: [native, 'kind'],
  },
  'snapshot-and-deployment.yaml': {
    documents: ['snapshot', 'application'],
    notes: ['spec.savepoint.disposeOnDelete'],
  },
  'snapshot-only.yaml': {
    documents: ['snapshot'],
    apply: [onlySnapshot],
    notes: ['spec.savepoint.disposeOnDelete', 'spec.backoffLimit'],
  },
  'blue-green.yaml': {
    refused: ['FlinkBlueGreenDeployment is not supported yet'],
    apply: ['FlinkBlueGreenDeployment is not supported yet'],
  },
  'operator-only-fields.yaml': {
    refused: [
      'job.checkpointTriggerNonce is not supported yet',
      'job.savepointRedeployNonce is not supported yet',
      'standby JobManagers (jobManager.replicas > 1) are not supported yet',
    ],
    apply: [
      'job.checkpointTriggerNonce is not supported yet',
      'job.savepointRedeployNonce is not supported yet',
      'standby JobManagers (jobManager.replicas > 1) are not supported yet',
    ],
  },
  'old-flink.yaml': { refused: ['Flink v1_17 is not supported'], apply: ['Flink v1_17 is not supported'] },
};

function checkCorpus(dir: string, expected: Record<string, Expectation>): void {
  const files = readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort();

  it('has an expectation for every manifest', () => {
    expect(files).toEqual(Object.keys(expected).sort());
  });

  it.each(files)('%s', (file) => {
    const text = readFileSync(path.join(dir, file), 'utf8');
    const want = expected[file]!;
    const validated = parseManifestFile(text);
    if (want.documents) {
      expect(validated.ok ? [] : validated.issues).toEqual([]);
      if (validated.ok) {
        expect(validated.documents.map((doc) => doc.kind)).toEqual(want.documents);
        expect(validated.notes.map((note) => note.path)).toEqual(want.notes ?? []);
        for (const note of validated.notes) expect(note.message.length).toBeGreaterThan(20);
      }
    } else {
      expect(validated.ok).toBe(false);
      if (!validated.ok) expect(validated.issues.map((issue) => issue.message)).toEqual(want.refused);
    }
    const applied = parseAppSpecs(text);
    if (want.apply === undefined) {
      expect(applied.ok ? [] : applied.issues).toEqual([]);
    } else {
      expect(applied.ok).toBe(false);
      const issues = applied.ok ? [] : applied.issues;
      expect(issues.map((issue) => issue.message)).toEqual(want.apply);
      for (const issue of issues) expect(issue.hint).toBeTruthy();
    }
  });
}

describe('flink-deploy manifests (test/fixtures/manifests)', () => {
  checkCorpus(path.join(__dirname, '..', '..', 'fixtures', 'manifests'), ours);
});

describe("the Apache operator's 15 examples (test/fixtures/apache-operator)", () => {
  const dir = path.join(__dirname, '..', '..', 'fixtures', 'apache-operator');
  checkCorpus(dir, apache);

  it('all 15 validate; which run on the local stack is said for each', () => {
    const files = readdirSync(dir).filter((file) => file.endsWith('.yaml'));
    expect(files).toHaveLength(15);
    expect(Object.keys(runsHere).sort()).toEqual(files.sort());
    const running = files.filter((file) => runsHere[file] === true).sort();
    // Run with the placeholder filled, kubectl's documents apart: what is left is the Flink documents, valid.
    const filledIn = files.filter((file) => typeof runsHere[file] === 'object').sort();
    expect(filledIn).toEqual(['e2e-flinkdep-cr.yaml', 'e2e-sessionjob-cr.yaml']);
    for (const file of filledIn) {
      const how = runsHere[file] as RunsFilledIn;
      expect(existsSync(path.join(__dirname, '..', '..', '..', how.proof))).toBe(true);
      const text = readFileSync(path.join(dir, file), 'utf8').replace(
        how.placeholder,
        'https://repo.example.com/a.jar',
      );
      const applied = parseAppSpecs(text);
      expect(applied.ok ? [] : applied.issues.map((issue) => issue.message)).toEqual(how.kubectl.map(otherKind));
      const flinkOnly = text
        .split(/^---$/m)
        .filter((doc) => !how.kubectl.some((kind) => new RegExp(`^kind: ${kind}$`, 'm').test(doc)))
        .join('---');
      expect(parseAppSpecs(flinkOnly).ok).toBe(true);
    }
    // Every example that runs is one `apply` accepts as written (a file of one FlinkStateSnapshot is the savepoint
    // operation's: test/unit/cli/manifest-kinds.test.ts applies it, --dry-run).
    const applications = running.filter((file) => !apache[file]?.documents?.every((kind) => kind === 'snapshot'));
    expect(applications).toHaveLength(running.length - 1);
    for (const file of applications) expect(parseAppSpecs(readFileSync(path.join(dir, file), 'utf8')).ok).toBe(true);
    expect(running).toEqual([
      'basic-checkpoint-ha.yaml',
      'basic-ingress.yaml',
      'basic-reactive.yaml',
      'basic-session-deployment-and-job.yaml',
      'basic-session-deployment-only.yaml',
      'basic-session-job-only.yaml',
      'basic.yaml',
      'custom-logging.yaml',
      'snapshot-job-from-savepoint.yaml',
      'snapshot-savepoint-job-full-spec.yaml',
    ]);
  });
});
