import type { V1Service } from '@kubernetes/client-node';
import { jarsInUse } from '../../../src/activities/session-services';
import { jarDeletedOr, keepOneUpload, keeperOf, unusedJars } from '../../../src/activities/unused-jars';
import { FlinkApiError, FlinkErrorCode } from '../../../src/flink';
import { AnnotationKey, selectorLabels } from '../../../src/k8s/render';

const service = (name: string, selects: string, jar?: string): V1Service => ({
  metadata: { name, ...(jar ? { annotations: { [AnnotationKey.Jar]: jar } } : {}) },
  spec: { selector: selectorLabels(selects, 'jobmanager') },
});

test("the jars in use are those named by the Services that select the cluster's JobManager", () => {
  const services = [
    service('a-rest', 'shared', '0123456789abcdef-a.jar'),
    // The same labels in another order select the same pods.
    { ...service('b-rest', 'shared', '1111111111111111-b.jar'), spec: { selector: reversed('shared') } },
    service('shared-rest', 'shared'),
    service('c-rest', 'other', '2222222222222222-c.jar'),
  ];
  expect([...jarsInUse(services, 'shared')].sort()).toEqual(['0123456789abcdef-a.jar', '1111111111111111-b.jar']);
  expect([...jarsInUse(services, 'other')]).toEqual(['2222222222222222-c.jar']);
  expect([...jarsInUse(services, 'none')]).toEqual([]);
});

test('only our content-named jars that no job names are unused; a jar a person uploaded never is', () => {
  const jars = [
    { id: 'u1_0123456789abcdef-a.jar', name: '0123456789abcdef-a.jar' },
    { id: 'u2_1111111111111111-b.jar', name: '1111111111111111-b.jar' },
    { id: 'u3_my-job.jar', name: 'my-job.jar' },
    { id: 'u4_0123456789ABCDEF-x.jar', name: '0123456789ABCDEF-x.jar' },
  ];
  expect(unusedJars(jars, new Set(['0123456789abcdef-a.jar']))).toEqual([jars[1]]);
  expect(unusedJars(jars, new Set())).toEqual([jars[0], jars[1]]);
});

test('one content uploaded twice at once: the earliest upload is kept, the other is unused', () => {
  const name = '0123456789abcdef-a.jar';
  const jars = [
    { id: 'u2_' + name, name, uploaded: 2000 },
    { id: 'u1_' + name, name, uploaded: 1000 },
    { id: 'u0_' + name, name, uploaded: 2000 },
  ];
  expect(keeperOf(jars, name)).toBe(jars[1]);
  expect(keeperOf(jars, 'other.jar')).toBeUndefined();
  expect(unusedJars(jars, new Set([name]))).toEqual([jars[0], jars[2]]);
  // The same upload time: the smallest id, so every stager picks the same one.
  expect(keeperOf([jars[0]!, jars[2]!], name)).toBe(jars[2]);
});

test('a jar Flink lists while another staging deletes it (uploaded 0) is never the keeper', () => {
  const name = '0123456789abcdef-a.jar';
  const kept = { id: 'u1_' + name, name, uploaded: 2000 };
  // Staging A saw both with their times and deletes u2; staging B lists while u2's file goes: Flink's
  // File.lastModified() of a file no longer there is 0. Both must name u1, or each deletes the other's keeper.
  const going = { id: 'u2_' + name, name, uploaded: 0 };
  expect(keeperOf([going, kept], name)).toBe(kept);
  expect(keeperOf([{ ...going, uploaded: undefined }, kept], name)).toBe(kept);
  expect(keeperOf([going], name)).toBe(going);
});

function reversed(cluster: string): Record<string, string> {
  return Object.fromEntries(Object.entries(selectorLabels(cluster, 'jobmanager')).reverse());
}

describe('a run that failed', () => {
  const jar = { id: 'u1_0123456789abcdef-a.jar', name: '0123456789abcdef-a.jar' };
  const refused = new FlinkApiError({
    code: FlinkErrorCode.BadRequest,
    status: 400,
    flinkErrors: ['Jar file /tmp/flink-web-upload/u1_0123456789abcdef-a.jar does not exist'],
    request: { method: 'POST', url: 'http://jm:8081/jars/u1_0123456789abcdef-a.jar/run' },
  });
  const listing = (ids: string[]) => ({ listJars: async () => ids.map((id) => ({ id, name: id })) as never });

  test('refused because its jar was deleted after the staging: a retryable error that says so', async () => {
    const err = await jarDeletedOr(listing([]), jar, refused);
    expect(err).not.toBe(refused);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(FlinkApiError);
    expect(String(err)).toMatch(/jar 0123456789abcdef-a.jar was deleted from the session cluster before the run/);
  });

  test('refused with its jar still there, retryable already, or before any staging: the error as it is', async () => {
    expect(await jarDeletedOr(listing([jar.id]), jar, refused)).toBe(refused);
    expect(await jarDeletedOr(listing([]), undefined, refused)).toBe(refused);
    const plain = new Error('socket hang up');
    expect(await jarDeletedOr(listing([]), jar, plain)).toBe(plain);
    const unlistable = { listJars: () => Promise.reject(new Error('down')) };
    expect(await jarDeletedOr(unlistable, jar, refused)).toBe(refused);
  });
});

test('two stagings of one content at once, the earlier-stamped upload listed second: one upload stays', async () => {
  // Flink lists a jar by its file's time: B's upload, stamped 900, appears after A's (stamped 1000).
  const name = '0123456789abcdef-a.jar';
  const listed: Array<{ id: string; name: string; uploaded: number }> = [];
  const deleted: string[] = [];
  let goneAlready = '';
  let stuck = '';
  const flink = {
    listJars: async () => listed.map((jar) => ({ ...jar, entry: [] })),
    deleteJar: async (id: string) => {
      deleted.push(id);
      if (id !== stuck)
        listed.splice(
          listed.findIndex((jar) => jar.id === id),
          1,
        );
      if (id === stuck) throw new Error(`delete of ${id} refused`);
      // As Flink 2.3 answers a delete of a jar no longer there.
      if (id === goneAlready)
        throw new FlinkApiError({
          code: FlinkErrorCode.BadRequest,
          status: 400,
          flinkErrors: [`File ${id} does not exist in /tmp/flink-web-upload.`],
          request: { method: 'DELETE', url: `http://jm:8081/jars/${id}` },
        });
    },
  };
  listed.push({ id: 'a', name, uploaded: 1000 });
  // A lists before B's upload is there: it keeps its own.
  expect(await keepOneUpload(flink, name, 'a')).toMatchObject({ id: 'a', name, uploaded: 1000 });
  listed.push({ id: 'b', name, uploaded: 900 });
  // B sees both; the earlier-stamped (its own) is the keeper, and A's upload goes.
  expect(await keepOneUpload(flink, name, 'b')).toMatchObject({ id: 'b', name, uploaded: 900 });
  expect(listed.map((jar) => jar.id)).toEqual(['b']);
  // A third, whose upload another staging deletes at the same moment (Flink answers 400): no error, one stays.
  listed.push({ id: 'c', name, uploaded: 950 });
  goneAlready = 'c';
  expect(await keepOneUpload(flink, name, 'c')).toMatchObject({ id: 'b', name, uploaded: 900 });
  expect(listed.map((jar) => jar.id)).toEqual(['b']);
  expect(deleted).toEqual(['a', 'c']);
  // A delete that fails while the jar is still there is the staging's failure.
  listed.push({ id: 'd', name, uploaded: 990 });
  stuck = 'd';
  await expect(keepOneUpload(flink, name, 'd')).rejects.toThrow('delete of d refused');
});
