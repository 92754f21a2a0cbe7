import { jarRunBody, parseRunningFlinkVersion } from '../../../src/flink';

test('parseRunningFlinkVersion reads release and snapshot versions', () => {
  expect(parseRunningFlinkVersion('2.3.0')).toEqual({ major: 2, minor: 3, patch: 0, raw: '2.3.0' });
  expect(parseRunningFlinkVersion('1.20-SNAPSHOT')).toMatchObject({ major: 1, minor: 20, patch: 0 });
  expect(() => parseRunningFlinkVersion('<unknown>')).toThrow(/not a Flink version/);
});

test('the /jars/:id/run body names the claim mode per Flink version', () => {
  const input = {
    jarId: 'x.jar',
    jobId: 'a'.repeat(32),
    savepointPath: 'file:///sp/savepoint-1',
    claimMode: 'CLAIM' as const,
  };
  expect(jarRunBody(parseRunningFlinkVersion('2.3.0'), input)).toEqual({
    jobId: 'a'.repeat(32),
    savepointPath: 'file:///sp/savepoint-1',
    claimMode: 'CLAIM',
  });
  expect(jarRunBody(parseRunningFlinkVersion('1.20.1'), input)).toMatchObject({ claimMode: 'CLAIM' });
  expect(jarRunBody(parseRunningFlinkVersion('1.19.2'), input)).toEqual({
    jobId: 'a'.repeat(32),
    savepointPath: 'file:///sp/savepoint-1',
    restoreMode: 'CLAIM',
  });
  expect(jarRunBody(parseRunningFlinkVersion('1.18.0'), { jarId: 'x.jar', programArgs: ['--a', '1'] })).toEqual({
    programArgsList: ['--a', '1'],
  });
});
