/**
 * What the Flink 1.20 tests share (test/e2e/flink-1-20.test.ts keeps deploy and a savepoint
 * upgrade in `npm test`; test/long/flink-1-20.test.ts takes suspend/resume and a rollback):
 * the manifest options of a 1.20 application and the checks of a restore on 1.20.
 */
import { type CliResult, continuity, type E2eEnv, expectRestoredFrom as expectRestoredOn, flinkOf } from './e2e';

// A stability timeout for a loaded machine (JobManager and TaskManager JVMs started at load 20-30 took over 150 s).
export const on120 = {
  flinkVersion: 'v1_20',
  image: 'flink:1.20',
  jar: 'counter-job-1.20.jar',
  timeoutSeconds: 300,
} as const;

/** The CLI's exit code; on another code, fails showing what the CLI said. */
export function expectExit(result: CliResult, code: number): void {
  if (result.code !== code) throw new Error(`exit ${result.code}, expected ${code}:\n${result.stdout}${result.stderr}`);
}

/** Every key's first new count is the restored state's count + 1 (a stop-with-savepoint's last count). */
export function expectContinued(before: Map<number, number[]>, after: Map<number, number[]>): void {
  const keys = continuity(before, after);
  expect(keys).toEqual(keys.map((k) => ({ ...k, firstNew: k.lastOld! + 1 })));
  expect(keys.every((k) => k.lastOld! > 1)).toBe(true);
}

/** Flink 1.20 (the running job's JobManager) says the job was restored from `location`, a savepoint. */
export async function expectRestoredFrom(
  env: E2eEnv,
  app: string,
  jobId: string,
  location: string | undefined,
): Promise<void> {
  expect((await (await flinkOf(env.namespace, app)).version()).raw).toMatch(/^1\.20\./);
  await expectRestoredOn(env.namespace, app, jobId, location);
}
