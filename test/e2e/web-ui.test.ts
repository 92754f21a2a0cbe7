/**
 * The Temporal Web UI, checked as a person would: a headless Chromium opens the local stack's
 * UI, filters workflows by the application's search attribute (`FlinkApplication = "<app>"`),
 * opens the run and shows its summary, details and search attributes. The run is an `apply`
 * started by the real CLI on a task queue nobody serves, so it stays open without a worker.
 * Screenshots: .stack/screenshots/web-ui-filtered-list.png, web-ui-run-summary.png,
 * web-ui-run-search-attributes.png.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Page } from 'playwright-core';
import { counterManifest } from '../../scripts/lib/counter-app';
import { operationWorkflowId } from '../../src/contract/ids';
import { runCli } from '../integration/cli/run-cli';
import { openBrowser, screenshot, type Browser } from '../support/browser';
import { stack } from '../support/stack';

const app = { name: `webui-${randomUUID().slice(0, 8)}`, namespace: `webui-ns-${randomUUID().slice(0, 6)}` };
const workflowId = operationWorkflowId(app);
const taskQueue = `web-ui-test-${randomUUID()}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'flink-deploy-web-ui-'));

let connection: Connection;
let client: Client;
let browser: Browser | undefined;

/** Polls `probe` every 250 ms until it returns true (or fails after `timeoutMs`). */
async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Whether `text` is visible in one of the page's iframes (the UI renders markdown in sandboxed iframes). */
async function visibleInAFrame(page: Page, text: string): Promise<boolean> {
  const frames = page.locator('iframe');
  for (let i = 0; i < (await frames.count()); i++) {
    if (await frames.nth(i).contentFrame().getByText(text, { exact: false }).first().isVisible()) return true;
  }
  return false;
}

beforeAll(async () => {
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection });
});

afterAll(async () => {
  await browser?.close();
  await client?.workflow
    .getHandle(workflowId)
    .terminate('web-ui test cleanup')
    .catch(() => undefined);
  await connection?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the Web UI finds the run by FlinkApplication and shows its summary, details and search attributes', async () => {
  // 1. `apply --no-wait` as CI would run it: the run starts with its search attributes and summary.
  const manifest = path.join(dir, `${app.name}.yaml`);
  writeFileSync(manifest, counterManifest({ app: app.name, namespace: app.namespace, dir }));
  const run = await runCli(['apply', '-f', manifest, '--no-wait', '-o', 'json'], {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    KUBECONFIG: stack.kubeconfig,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    FLINK_DEPLOY_UI_URL: stack.temporalUiUrl,
    FLINK_DEPLOY_TASK_QUEUE: taskQueue,
  });
  expect(run.code).toBe(0);
  const started = JSON.parse(run.stdout) as { workflowId: string; runId: string; url: string };
  expect(started.workflowId).toBe(`flink-deploy/${app.namespace}/${app.name}`);
  const description = await client.workflow.getHandle(workflowId).describe();
  const summary = await description.staticSummary();
  // "deploy <app> (...)" when the cluster answers in time, "apply <app> (...)" otherwise.
  expect(summary).toMatch(new RegExp(`^(deploy|apply) ${app.name} \\(savepoint\\) image flink:2\\.3, parallelism 2$`));

  browser = await openBrowser();
  const { page } = browser;

  // 2. The workflow list filtered by the application's search attribute (visibility indexes
  //    asynchronously: reload until the run is listed).
  const query = `FlinkApplication="${app.name}"`;
  const listUrl = `${stack.temporalUiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`;
  const runLink = page.getByRole('link', { name: workflowId, exact: true });
  await until(`${workflowId} listed in the Web UI`, async () => {
    await page.goto(listUrl);
    await runLink.waitFor({ timeout: 5_000 });
    return true;
  });
  await page.getByText(`FlinkApplication = "${app.name}"`).filter({ visible: true }).first().waitFor();
  await page.getByText('1 Workflow', { exact: true }).waitFor();
  await page.getByRole('link', { name: started.runId, exact: true }).waitFor();
  await screenshot(page, 'web-ui-filtered-list');

  // 3. The run: its id, type and task queue, then the User Metadata tab with the summary and details.
  await runLink.click();
  await page.getByRole('heading', { name: workflowId }).waitFor();
  expect(page.url().startsWith(started.url)).toBe(true); // the page of the link the CLI printed
  await page.getByText(started.runId, { exact: true }).waitFor();
  await page
    .getByText(/^\s*running\s*$/i)
    .filter({ visible: true })
    .first()
    .waitFor();
  await page.getByRole('link', { name: taskQueue, exact: true }).waitFor();
  await page.getByTestId('user-metadata-tab').click();
  await page.getByText('Summary', { exact: true }).waitFor();
  await page.getByText('Current Details', { exact: true }).waitFor();
  await until('the summary shown', () => visibleInAFrame(page, summary ?? ''));
  await until('the details shown', () => visibleInAFrame(page, `${app.namespace}/${app.name}`));
  await screenshot(page, 'web-ui-run-summary');

  // 4. The search attributes set at start.
  await page.getByTestId('search-attributes-tab').click();
  await page.getByText(`"FlinkApplication": "${app.name}"`).waitFor();
  await page.getByText(`"FlinkNamespace": "${app.namespace}"`).waitFor();
  await page.getByText(/"FlinkOperation": "(deploy|apply)"/).waitFor();
  await screenshot(page, 'web-ui-run-search-attributes');
});
