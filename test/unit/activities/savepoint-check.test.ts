/** checkSavepoint: a file system savepoint's _metadata is looked at; object storage is not, and says so. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { savepointCheckActivities } from '../../../src/activities/savepoint-check';

const { checkSavepoint } = savepointCheckActivities();
const dir = mkdtempSync(path.join(tmpdir(), 'fd-sp-check-'));
const savepoint = path.join(dir, 'savepoint-1a2b3c-0123456789ab');
mkdirSync(savepoint);
writeFileSync(path.join(savepoint, '_metadata'), 'x');
const empty = path.join(dir, 'savepoint-empty');
mkdirSync(empty);

test.each([savepoint, `${savepoint}/`, `file://${savepoint}`, `file:${savepoint}`, `${savepoint}/_metadata`])(
  '%s exists: its _metadata is found, with when it was written',
  async (location) => {
    const check = await checkSavepoint({ path: location });
    expect(check).toEqual({
      checked: true,
      metadata: path.join(savepoint, '_metadata'),
      modifiedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  },
);

test.each([
  [path.join(dir, 'savepoint-gone'), 'does not exist'],
  [`file://${empty}`, 'does not exist'],
  [`file://${path.join(savepoint, '_metadata', 'x')}`, 'does not exist'],
])('%s: InvalidSpec naming the path and the _metadata looked for', async (location, why) => {
  const err = await checkSavepoint({ path: location }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  expect(err).toMatchObject({ type: 'InvalidSpec', nonRetryable: true });
  expect((err as Error).message).toContain(`savepoint ${location} cannot be registered`);
  expect((err as Error).message).toContain(why);
  expect((err as Error).message).toContain('nothing was recorded');
});

test('a savepoint in a folder the worker does not see is not checked, and the answer says why', async () => {
  const elsewhere = path.join(dir, 'not-mounted-here', 'savepoints', 'savepoint-1a2b3c-0123456789ab');
  const check = await checkSavepoint({ path: `file://${elsewhere}` });
  expect(check).toEqual({
    checked: false,
    why: expect.stringContaining(`the worker does not see ${path.dirname(elsewhere)}`),
  });
});

test('an s3:// savepoint is not checked, and the answer says why', async () => {
  const check = await checkSavepoint({ path: 's3://bucket/savepoints/savepoint-1' });
  expect(check).toEqual({ checked: false, why: expect.stringContaining('s3:// savepoint is not checked') });
});
