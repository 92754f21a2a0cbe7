/**
 * History that does not leak, seen as a person would (#13 §4): with payload keys, `apply` writes the run's input
 * encrypted; a raw read of the history (`temporal workflow show`, no codec) holds no spec text, and the Temporal
 * Web UI, pointed at `flink-deploy codec-server` (the UI's per-browser "Codec Server" endpoint setting), shows that
 * same input decoded. The run is on a task queue nobody serves, so it stays open without a worker. Screenshot:
 * .stack/screenshots/web-ui-codec-input.png.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import type { Page } from 'playwright-core';
import { counterManifest } from '../../scripts/lib/counter-app';
import { operationWorkflowId } from '../../src/contract/ids';
import { cliEnv, runCli, startCli, type CliProcess } from '../integration/cli/run-cli';
import { openBrowser, screenshot, type Browser } from '../support/browser';
import { eventually } from '../support/eventually';
import { stack } from '../support/stack';

const app = { name: `codec-${randomUUID().slice(0, 8)}`, namespace: `codec-ns-${randomUUID().slice(0, 6)}` };
const workflowId = operationWorkflowId(app);
const taskQueue = `web-ui-codec-${randomUUID()}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'flink-deploy-web-ui-codec-'));
const keyFile = path.join(dir, 'payload-keys');
// Spec text that appears nowhere but in the manifest: the savepoint folder.
const marker = `sp-${randomUUID()}`;
const codecPort = 20000 + Math.floor(Math.random() * 10000);
const codecUrl = `http://127.0.0.1:${codecPort}`;

let connection: Connection;
let client: Client;
let codecServer: CliProcess | undefined;
let browser: Browser | undefined;

/** The text of the page and of its iframes (the UI renders some panels in sandboxed iframes). */
async function pageText(page: Page): Promise<string> {
  const texts = await Promise.all(
    page.frames().map((f) =>
      f
        .locator('body')
        .innerText()
        .catch(() => ''),
    ),
  );
  return texts.join('\n');
}

beforeAll(async () => {
  writeFileSync(keyFile, `webui-1=${randomBytes(32).toString('base64')}\n`);
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection });
});

afterAll(async () => {
  await browser?.close();
  codecServer?.child.kill('SIGTERM');
  await client?.workflow
    .getHandle(workflowId)
    .terminate('web-ui codec test cleanup')
    .catch(() => undefined);
  await connection?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a raw history read shows no spec text; the Web UI through codec-server shows the input decoded', async () => {
  // 1. `apply --no-wait` with the keys: the run's input (the spec) is written encrypted.
  const manifest = path.join(dir, `${app.name}.yaml`);
  const savepointDir = `file://${path.join(dir, marker)}`;
  writeFileSync(manifest, counterManifest({ app: app.name, namespace: app.namespace, dir, savepointDir }));
  const run = await runCli(
    ['apply', '-f', manifest, '--no-wait', '-o', 'json'],
    cliEnv({ KUBECONFIG: stack.kubeconfig, FLINK_DEPLOY_TASK_QUEUE: taskQueue, FLINK_DEPLOY_PAYLOAD_KEYS: keyFile }),
  );
  expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
  const started = JSON.parse(run.stdout) as { workflowId: string; runId: string };
  expect(started.workflowId).toBe(workflowId);

  // 2. A raw read of the history: encrypted payloads, no spec text.
  const raw = (
    await promisify(execFile)(
      stack.temporalCli,
      ['workflow', 'show', '--address', stack.temporalAddress, '-w', workflowId, '-o', 'json'],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
    )
  ).stdout;
  expect(raw).toMatch(/WORKFLOW_EXECUTION_STARTED|WorkflowExecutionStarted/); // the history was read at all
  expect(raw).toContain(Buffer.from('binary/encrypted').toString('base64'));
  for (const specText of [marker, 'dev.flinkdeploy', 'counter-job.jar']) expect(raw).not.toContain(specText);

  // 3. The codec server with the same keys, answering the UI's origin.
  codecServer = startCli(
    ['codec-server', '--payload-keys', keyFile, '--listen', `127.0.0.1:${codecPort}`],
    cliEnv({ FLINK_DEPLOY_CODEC_SERVER_CORS_ORIGINS: stack.temporalUiUrl }),
  );
  await eventually(
    'codec-server answering /healthz',
    async () => {
      if (codecServer?.child.exitCode !== null) throw new Error(`codec-server exited: ${codecServer?.stderr()}`);
      return (await fetch(`${codecUrl}/healthz`).catch(() => undefined))?.ok ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250, tolerateErrors: false },
  );

  // 4. The Web UI with its codec endpoint set to the server, on the run's page: the input is shown decoded. The
  //    UI's "Codec Server" dialog keeps the browser's setting in localStorage: `endpoint`, and
  //    `overrideRemoteCodecConfiguration` ("use my browser setting and ignore the cluster-level one").
  browser = await openBrowser();
  const { page } = browser;
  await page.addInitScript(
    (settings) => settings.forEach(([key, value]) => globalThis.localStorage.setItem(key, JSON.stringify(value))),
    [
      ['endpoint', codecUrl],
      ['overrideRemoteCodecConfiguration', true],
    ] as Array<[string, string | boolean]>,
  );
  const decodeCalls: string[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(`${codecUrl}/`) && request.method() === 'POST') decodeCalls.push(request.url());
  });
  const workflows = `${stack.temporalUiUrl}/namespaces/default/workflows`;
  await page.goto(`${workflows}/${encodeURIComponent(workflowId)}/${started.runId}/history`);
  await page.getByRole('heading', { name: workflowId }).waitFor({ timeout: 60_000 });
  await eventually(
    'the decoded input shown in the Web UI',
    async () => ((await pageText(page)).includes(marker) ? true : undefined),
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  expect(decodeCalls.some((url) => new URL(url).pathname === '/decode')).toBe(true);
  await screenshot(page, 'web-ui-codec-input');
});
