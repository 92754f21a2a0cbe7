/**
 * The worker's workflow code bundled ahead of time (npm run build, after tsc): `dist/workflow-bundle.js`,
 * which the compiled worker loads with `workflowBundle: { codePath }` (src/worker/workflow-code.ts).
 * `--source <file>`: the checkout's source workflows bundled into <file> instead (the end-to-end tests'
 * workers load it through worker.workflowBundle rather than each bundling the source at start).
 */
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleFile } from '../../src/worker/workflow-code';

async function main(): Promise<void> {
  const source = process.argv.indexOf('--source');
  if (source > 0) {
    const out = process.argv[source + 1];
    if (!out) throw new Error('--source needs the file to write');
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve(path.join(__dirname, '..', '..', 'src', 'workflows')),
    });
    // A file of this process's own, renamed into place: two test runs may bundle the same source at once.
    const partial = `${out}.${process.pid}.tmp`;
    writeFileSync(partial, code);
    renameSync(partial, out);
    return;
  }
  const dist = path.join(__dirname, '..', '..', 'dist');
  const workflowsPath = require.resolve(path.join(dist, 'workflows'));
  const { code } = await bundleWorkflowCode({ workflowsPath });
  const file = path.join(dist, workflowBundleFile);
  writeFileSync(file, code);
  process.stdout.write(
    `workflow bundle: ${path.relative(process.cwd(), file)} (${Math.round(code.length / 1024)} KiB)\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`workflow bundle failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
