import { localSavepointPath, savepointPathKey, savepointPathProblem } from '../../../src/contract/savepoint-paths';

test.each([
  's3://bucket/savepoints/savepoint-1a2b3c-0123456789ab',
  'file:///flink-data/savepoints/savepoint-45305c-d867504446e0',
  'file:/tmp/flink-savepoints/savepoint-1',
  '/tmp/flink-savepoints/savepoint-1/',
  'hdfs://namenode:8020/savepoints/sp-1',
  // An Azure storage URI's <container>@<account> is no user (src/spec/uris.ts).
  'abfss://savepoints@account.dfs.core.windows.net/flink/sp-1',
])('%s can be registered', (path) => {
  expect(savepointPathProblem(path)).toBeUndefined();
});

test.each([
  ['sp-1', 'is not an absolute savepoint path'],
  ['savepoints/sp-1', 'is not an absolute savepoint path'],
  ['s3:bucket/sp', 'is not an absolute savepoint path'],
  ['file:tmp/sp', 'is not an absolute savepoint path'],
  ['s3://AKIA:secret@bucket/savepoints/sp-1', 'holds credentials'],
  ['s3://user@bucket/savepoints/sp-1', 'holds credentials'],
  ['abfss://container:key@account.dfs.core.windows.net/sp-1', 'holds credentials'],
  ['file://otherhost/tmp/sp', 'names a host'],
  // Flink refuses it as any file://<host>/ (measured with Flink 2.3's Path and savepoint restore).
  ['file://localhost/tmp/sp', 'names a host (localhost)'],
  ['/tmp/../etc/sp', '".." segment'],
  ['file:///tmp/./sp', '".." segment'],
  ['s3://bucket', 'names no savepoint directory'],
  ['s3://bucket/', 'names no savepoint directory'],
  ['/', 'the root directory'],
  ['/tmp/sp 1', 'whitespace'],
  ['/tmp/sp\n1', 'whitespace'],
])('%s is refused: %s', (path, why) => {
  const problem = savepointPathProblem(path);
  expect(problem?.message).toContain(why);
  expect(problem?.hint).toBeTruthy();
});

test('file://localhost/… was taken by the checks before (a workflow replaying a run started then)', () => {
  expect(savepointPathProblem('file://localhost/tmp/sp', { specChecks3: false })).toBeUndefined();
  expect(savepointPathProblem('file://otherhost/tmp/sp', { specChecks3: false })?.message).toContain('names a host');
  expect(savepointPathProblem('file://localhost/tmp/sp')?.hint).toBe(
    "Write file:///tmp/sp (three slashes: a path on the pod's file system).",
  );
});

test('a password never appears in the message', () => {
  expect(savepointPathProblem('s3://AKIA:topsecret@bucket/sp')?.message).not.toContain('topsecret');
});

test('file system paths in every spelling have one key; other schemes keep theirs, without trailing slashes', () => {
  const spellings = ['file:/tmp/sp-1', 'file:///tmp/sp-1', 'file://localhost/tmp/sp-1', '/tmp/sp-1/', '/tmp//sp-1'];
  expect(new Set(spellings.map(savepointPathKey))).toEqual(new Set(['file:/tmp/sp-1']));
  expect(spellings.map(localSavepointPath)).toEqual(Array(spellings.length).fill('/tmp/sp-1'));
  expect(savepointPathKey('s3://b/sp-1/')).toBe('s3://b/sp-1');
  expect(savepointPathKey('s3://b/sp-1')).not.toBe(savepointPathKey('s3://b/sp-2'));
  expect(localSavepointPath('s3://b/sp-1')).toBeUndefined();
});
