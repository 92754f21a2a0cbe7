import { jarRunBody, parseFlinkVersion } from '../../../src/flink';

test('parseFlinkVersion reads release and snapshot versions', () => {
  expect(parseFlinkVersion('2.3.0')).toEqual({ major: 2, minor: 3, patch: 0, raw: '2.3.0' });
  expect(parseFlinkVersion('1.20-SNAPSHOT')).toMatchObject({ major: 1, minor: 20, patch: 0 });
  expect(() => parseFlinkVersion('<unknown>')).toThrow(/not a Flink version/);
});

test('the /jars/:id/run body names the claim mode per Flink version', () => {
  const input = {
    jarId: 'x.jar',
    jobId: 'a'.repeat(32),
    savepointPath: 'file:///sp/savepoint-1',
    claimMode: 'CLAIM' as const,
  };
  expect(jarRunBody(parseFlinkVersion('2.3.0'), input)).toEqual({
    jobId: 'a'.repeat(32),
    savepointPath: 'file:///sp/savepoint-1',
    claimMode: 'CLAIM',
  });
  expect(jarRunBody(parseFlinkVersion('1.20.1'), input)).toMatchObject({ claimMode: 'CLAIM' });
  expect(jarRunBody(parseFlinkVersion('1.19.2'), input)).toEqual({
    jobId: 'a'.repeat(32),
    savepointPath: 'file:///sp/savepoint-1',
    restoreMode: 'CLAIM',
  });
  expect(jarRunBody(parseFlinkVersion('1.18.0'), { jarId: 'x.jar', programArgs: ['--a', '1'] })).toEqual({
    programArgsList: ['--a', '1'],
  });
});
