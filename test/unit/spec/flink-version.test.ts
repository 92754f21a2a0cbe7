/**
 * Flink versions: which are tested here (validate says so), the version an official image tag
 * names, and a manifest whose image and flinkVersion are of different major versions refused.
 */
import { planJson, planText } from '../../../src/cli/plan-view';
import { parseAppSpec } from '../../../src/spec';
import { diffSpecs } from '../../../src/spec/diff';
import { loadAppSpec } from '../../../src/spec/parse';
import {
  flinkVersionTesting,
  imageFlinkVersion,
  isTestedFlinkVersion,
  testedFlinkVersions,
} from '../../../src/spec/flink-version';

const manifest = (image: string, flinkVersion: string) => `apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: {name: app, namespace: default}
spec:
  image: ${image}
  flinkVersion: ${flinkVersion}
  jobManager: {resource: {memory: 1024m, cpu: 1}}
  taskManager: {resource: {memory: 1024m, cpu: 1}}
  job: {jarURI: local:///opt/flink/usrlib/app.jar, parallelism: 1, upgradeMode: stateless}
`;

test('1.20, 2.2 and 2.3 are the tested versions; 1.19 and 2.1 are accepted but said to be untested', () => {
  expect(testedFlinkVersions.map((v) => `${v.major}.${v.minor}`)).toEqual(['1.20', '2.2', '2.3']);
  expect(isTestedFlinkVersion({ major: 1, minor: 20 })).toBe(true);
  expect(flinkVersionTesting({ major: 2, minor: 2 })).toBe('tested here');
  expect(isTestedFlinkVersion({ major: 1, minor: 19 })).toBe(false);
  expect(flinkVersionTesting({ major: 2, minor: 1 })).toBe('not tested here (tested: 1.20, 2.2, 2.3)');
});

test.each([
  ['flink:1.20', { major: 1, minor: 20 }],
  ['flink:1.20.3-scala_2.12-java17', { major: 1, minor: 20 }],
  ['apache/flink:2.2.0', { major: 2, minor: 2 }],
  ['docker.io/library/flink:2.3', { major: 2, minor: 3 }],
  ['registry.example.com/team/my-job:1.4', undefined],
  ['flink:latest', undefined],
])('image %s names Flink %j', (image, version) => {
  expect(imageFlinkVersion(image)).toEqual(version);
});

test('an image of Flink 1.20 with flinkVersion v2_3 is refused, naming both and what to set', () => {
  const result = parseAppSpec(manifest('flink:1.20', 'v2_3'));
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.issues).toContainEqual(
    expect.objectContaining({
      path: 'spec.flinkVersion',
      message: expect.stringContaining('flinkVersion v2_3 does not match the image flink:1.20 (Flink 1.20)'),
      hint: 'Set flinkVersion: v1_20, or an image of Flink 2.3.',
    }),
  );
});

test.each([
  ['flink:1.20', 'v1_20'],
  ['flink:2.3', 'v2_2'],
  ['my-registry/fraud-scorer:7', 'v1_20'],
])('image %s with flinkVersion %s is accepted (same major version, or not an official image)', (image, version) => {
  expect(parseAppSpec(manifest(image, version)).ok).toBe(true);
});

test('plan notes an untested version (text and JSON) and says nothing of a tested one', () => {
  const planOf = (image: string, version: string) => {
    const spec = loadAppSpec(manifest(image, version));
    return planJson(spec, diffSpecs(undefined, spec));
  };
  const untested = planOf('flink:1.19', 'v1_19');
  expect(untested.flinkVersionNote).toBe('Flink 1.19 is not tested here (tested: 1.20, 2.2, 2.3)');
  expect(planText(untested).split('\n').at(-1)).toBe('note: Flink 1.19 is not tested here (tested: 1.20, 2.2, 2.3)');
  const tested = planOf('flink:1.20', 'v1_20');
  expect(tested).not.toHaveProperty('flinkVersionNote');
  expect(planText(tested)).not.toContain('tested');
});
