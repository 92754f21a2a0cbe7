/** The savepoint format of an application: the Apache operator's kubernetes.operator.savepoint.format.type. */
import { parseAppSpec } from '../../../src/spec/parse';
import { deploymentNotes } from '../../../src/spec/notes';
import { savepointFormatIssues, savepointFormatKey, savepointFormatOf } from '../../../src/spec/savepoint-format';

test.each([
  [{}, undefined],
  [{ [savepointFormatKey]: 'NATIVE' }, 'NATIVE'],
  [{ [savepointFormatKey]: 'native ' }, 'NATIVE'],
  [{ [savepointFormatKey]: 'CANONICAL' }, 'CANONICAL'],
  [{ [savepointFormatKey]: 'FAST' }, undefined],
])('%j: %s', (config, format) => {
  expect(savepointFormatOf(config)).toBe(format);
});

test('a format that is neither is refused, naming the key, the value and what to set', () => {
  expect(savepointFormatIssues({ [savepointFormatKey]: 'FAST' }, 'spec.flinkConfiguration')).toEqual([
    expect.objectContaining({
      path: `spec.flinkConfiguration["${savepointFormatKey}"]`,
      message: `${savepointFormatKey} is "FAST": the savepoint format is NATIVE or CANONICAL`,
    }),
  ]);
  const manifest = (format: string) => `apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: {name: orders}
spec:
  image: flink:2.3
  flinkVersion: v2_3
  flinkConfiguration: {${savepointFormatKey}: ${format}}
  job: {jarURI: "local:///opt/flink/usrlib/app.jar", parallelism: 1, upgradeMode: stateless}
`;
  const refused = parseAppSpec(manifest('FAST'));
  expect(refused.ok).toBe(false);
  const accepted = parseAppSpec(manifest('NATIVE'));
  expect(accepted.ok && savepointFormatOf(accepted.spec.flinkConfiguration)).toBe('NATIVE');
});

test("it is not among the operator's keys said to be ignored (it is honoured); the others are", () => {
  const notes = deploymentNotes({}, { [savepointFormatKey]: 'NATIVE' }, 'spec.flinkConfiguration');
  expect(notes).toEqual([]);
  const others = deploymentNotes(
    {},
    { [savepointFormatKey]: 'NATIVE', 'kubernetes.operator.periodic.savepoint.interval': '1h' },
    'spec.flinkConfiguration',
  );
  expect(others.map((n) => n.message)).toEqual([
    expect.stringContaining('kubernetes.operator.periodic.savepoint.interval'),
  ]);
  expect(others[0]!.message).not.toContain(savepointFormatKey);
});
