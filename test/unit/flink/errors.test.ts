/** Flink's refusal in one line: its first line and the causes its stack trace names (what Flink says went wrong). */
import { FlinkApiError, FlinkErrorCode, flinkErrorSummary } from '../../../src/flink';

// Flink 2.3's answer to POST /jars/:id/run of a jar whose entry class is not in it (stack frames cut).
const jarRun = [
  'org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.',
  '\tat org.apache.flink.runtime.webmonitor.handlers.JarRunHandler.lambda$handleRequest$1(JarRunHandler.java:114)',
  'Caused by: java.util.concurrent.CompletionException: org.apache.flink.util.FlinkRuntimeException: ' +
    'Could not execute application.',
  '\tat java.base/java.util.concurrent.CompletableFuture.encodeThrowable(CompletableFuture.java:315)',
  "Caused by: org.apache.flink.client.program.ProgramInvocationException: The program's entry point class " +
    "'com.example.Missing' was not found in the jar file.",
  '\t... 12 more',
].join('\n');

test('the first line, then the first and the root "Caused by:"', () => {
  expect(flinkErrorSummary([jarRun])).toBe(
    'org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application. (caused by: ' +
      'java.util.concurrent.CompletionException: org.apache.flink.util.FlinkRuntimeException: Could not execute ' +
      "application. … org.apache.flink.client.program.ProgramInvocationException: The program's entry point class " +
      "'com.example.Missing' was not found in the jar file.)",
  );
});

test('one cause: said once; none: the first line alone; a long one cut', () => {
  expect(flinkErrorSummary(['Job failed.\nCaused by: java.io.IOException: disk full'])).toBe(
    'Job failed. (caused by: java.io.IOException: disk full)',
  );
  expect(flinkErrorSummary(['Job 42 not found.'])).toBe('Job 42 not found.');
  expect(flinkErrorSummary([])).toBe('');
  const long = flinkErrorSummary([`x\nCaused by: ${'y'.repeat(500)}`]);
  expect(long).toBe(`x (caused by: ${'y'.repeat(300)}…)`);
});

test("a refusal's message names the root cause", () => {
  const refused = new FlinkApiError({
    code: FlinkErrorCode.BadRequest,
    status: 400,
    flinkErrors: [jarRun],
    request: { method: 'POST', url: 'http://jm:8081/jars/a.jar/run' },
  });
  expect(refused.message).toMatch(/^POST http:\/\/jm:8081\/jars\/a\.jar\/run: Flink answered 400: .*Could not execute/);
  expect(refused.message).toContain("entry point class 'com.example.Missing' was not found in the jar file.");
});
