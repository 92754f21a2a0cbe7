import { podsOfGeneration, rootCauseOf, samePath, wrongRestore } from '../../../src/activities/stability-rules';
import type { PodReadiness } from '../../../src/k8s/facade/pod-readiness';

const pod = (name: string, generation: number | undefined): PodReadiness => ({
  name,
  phase: 'Running',
  ready: false,
  generation,
  restartCount: 0,
  containers: [],
  problems: [{ kind: 'image-pull', reason: 'ImagePullBackOff' }],
  summary: 'ImagePullBackOff',
});

describe('podsOfGeneration', () => {
  test('keeps only the pods of the generation waited for (a failed generation still going is not judged)', () => {
    const pods = [pod('jm-old', 2), pod('jm-new', 3), pod('tm-none', undefined)];
    expect(podsOfGeneration(pods, 3).map((p) => p.name)).toEqual(['jm-new']);
  });
  test('every pod when no generation is given (runs started before it was passed)', () => {
    const pods = [pod('a', 2), pod('b', undefined)];
    expect(podsOfGeneration(pods, undefined)).toEqual(pods);
  });
});

describe('wrongRestore', () => {
  const jobId = 'a'.repeat(32);
  const expected = 'file:///data/savepoints/savepoint-1234-abcdef';
  test('the savepoint asked for, however the URI is spelled, is right', () => {
    expect(wrongRestore({ restored: 'file:/data/savepoints/savepoint-1234-abcdef/', expected, jobId })).toBeUndefined();
    expect(samePath('file:/x/y/', 'file:///x/y')).toBe(true);
  });
  test("a failover to the job's own checkpoint is not a wrong restore", () => {
    expect(wrongRestore({ restored: `file:/data/checkpoints/${jobId}/chk-7`, expected, jobId })).toBeUndefined();
  });
  test("another savepoint or another job's checkpoint is a wrong restore, naming both paths", () => {
    expect(wrongRestore({ restored: 'file:/data/savepoints/savepoint-9', expected, jobId })).toBe(
      `restored from file:/data/savepoints/savepoint-9, not from ${expected}`,
    );
    expect(wrongRestore({ restored: `file:/data/checkpoints/${'b'.repeat(32)}/chk-7`, expected, jobId })).toMatch(
      /^restored from/,
    );
  });
});

describe('rootCauseOf', () => {
  test("the stack trace's first line, which names the class once", () => {
    const entry = {
      exceptionName: 'java.lang.ArithmeticException',
      stacktrace: 'java.lang.ArithmeticException: / by zero\n\tat X',
    };
    expect(rootCauseOf(entry)).toBe('java.lang.ArithmeticException: / by zero');
  });
  test('the class added when the first line does not start with it; the class alone when there is no trace', () => {
    expect(rootCauseOf({ exceptionName: 'java.io.IOException', stacktrace: 'disk full' })).toBe(
      'java.io.IOException: disk full',
    );
    expect(rootCauseOf({ exceptionName: 'java.io.IOException', stacktrace: '' })).toBe('java.io.IOException');
    expect(rootCauseOf(undefined)).toBe('no exception recorded');
  });
});
