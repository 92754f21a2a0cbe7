/**
 * The Temporal Web UI, checked as a person would: headless Chromium (Debian's, driven by
 * playwright-core; nothing is downloaded) opens the stack's UI, filters workflows by the
 * application's search attribute, opens the run, and a screenshot shows it with its summary.
 * The run is started by the real CLI on a task queue no worker serves, so it stays open.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { chromium, type Browser } from 'playwright-core';
import { operationWorkflowId } from '../../src/workflows/ids';
import { stack } from '../support/stack';

const app = `ui-${randomUUID().slice(0, 6)}`;
const namespace = 'web-ui-check';
let browser: Browser;
let connection: Connection;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  connection = await Connection.connect({ address: stack.temporalAddress });
});
afterAll(async () => {
  await new Client({ connection }).workflow.getHandle(operationWorkflowId({ namespace, name: app })).terminate('web UI check done').catch(() => undefined);
  await connection?.close();
  await browser?.close();
});

test('the Web UI lists the run under its FlinkApplication search attribute and shows its summary', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fd-web-ui-'));
  const manifest = readFileSync(path.join(__dirname, '../fixtures/specs/counter.yaml'), 'utf8')
    .replace('name: counter', `name: ${app}`).replace('namespace: default', `namespace: ${namespace}`);
  writeFileSync(path.join(dir, 'app.yaml'), manifest);
  const started = spawnSync(path.join(stack.root, 'node_modules', '.bin', 'node'), [path.join(stack.root, 'bin', 'flink-deploy.js'), 'apply', '-f', path.join(dir, 'app.yaml'), '--no-wait'], {
    encoding: 'utf8', env: { ...process.env, TEMPORAL_ADDRESS: stack.temporalAddress, FLINK_DEPLOY_TASK_QUEUE: `nobody-${app}`, KUBECONFIG: '' },
  });
  expect(started.status).toBe(0);
  const workflowId = operationWorkflowId({ namespace, name: app });

  mkdirSync(path.join(stack.dir, 'screenshots'), { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const query = encodeURIComponent(`FlinkApplication="${app}"`);
  // Visibility indexes the run within a moment: reload the filtered list until it shows.
  for (let i = 0; i < 30; i++) {
    await page.goto(`${stack.temporalUiUrl}/namespaces/default/workflows?query=${query}`, { waitUntil: 'networkidle' });
    if (await page.getByText(workflowId).count()) break;
    await page.waitForTimeout(1000);
  }
  expect(await page.getByText(workflowId).count()).toBeGreaterThan(0);
  await page.screenshot({ path: path.join(stack.dir, 'screenshots', 'web-ui-filtered-list.png') });
  // The run, through the very link the CLI printed.
  const link = /(http:\/\/\S+\/workflows\/\S+)/.exec(started.stdout + started.stderr)?.[1];
  expect(link).toContain(encodeURIComponent(workflowId));
  // A running workflow's page keeps polling: wait for the content, not for network idle.
  await page.goto(link!, { waitUntil: 'load' });
  await page.getByText('User Metadata').first().waitFor({ timeout: 60_000 });
  // Tab "User Metadata": the static summary the CLI set at start.
  await page.getByText('User Metadata').first().click();
  const summary = `${app} (savepoint) image flink:2.3, parallelism 2`;
  // The UI renders summary and details (markdown) in sandboxed frames: read every frame.
  let text = '';
  for (let i = 0; i < 60 && !text.includes(summary); i++) {
    const frames = await Promise.all(page.frames().map((f) => f.locator('body').innerText().catch(() => '')));
    text = frames.join('\n');
    if (!text.includes(summary)) await page.waitForTimeout(500);
  }
  await page.screenshot({ path: path.join(stack.dir, 'screenshots', 'web-ui-run-summary.png'), fullPage: true });
  // Tab "Search Attributes": application, namespace, operation.
  await page.getByText('Search Attributes').first().click();
  await page.getByText(`"FlinkApplication": "${app}"`).first().waitFor({ timeout: 30_000 });
  await page.screenshot({ path: path.join(stack.dir, 'screenshots', 'web-ui-run-search-attributes.png'), fullPage: true });
  const attributes = await page.locator('body').innerText();
  expect(attributes).toContain(`"FlinkNamespace": "${namespace}"`);
  expect(attributes).toContain('"FlinkOperation": "apply"');
  expect(text).toContain(workflowId);
  expect(text).toContain(summary);
  expect(text).toContain(`application ${namespace}/${app}`);
  expect(text).toMatch(/Running/i);
});
