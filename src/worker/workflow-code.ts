/**
 * Where the worker finds its workflow code: the bundle `npm run build` wrote beside the compiled
 * worker (an installed package: no bundling, no TypeScript at start-up), else the workflows' source
 * (a checkout and the tests), bundled by the SDK when the worker starts.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';

/** The prebuilt bundle's file name, in `dist/` (scripts/build/workflow-bundle.ts writes it). */
export const workflowBundleFile = 'workflow-bundle.js';

/** The prebuilt bundle beside this module's parent folder: `dist/workflow-bundle.js` when running from `dist/`. */
export function prebuiltBundlePath(moduleDir: string = __dirname): string {
  return path.join(moduleDir, '..', workflowBundleFile);
}

/** The worker's workflow options, and the file they name (for the start-up log). */
export interface WorkflowCode {
  options: Pick<WorkerOptions, 'workflowBundle'> | Pick<WorkerOptions, 'workflowsPath'>;
  file: string;
}

/**
 * `workflowBundle` of the bundle the settings name (it must exist), else of a prebuilt bundle beside
 * the compiled worker, else `workflowsPath` (bundled at start).
 */
export function workflowCode(moduleDir: string = __dirname, given?: string): WorkflowCode {
  if (given) {
    if (!existsSync(given))
      throw new Error(
        `the workflow bundle ${given} (worker.workflowBundle, FLINK_DEPLOY_WORKFLOW_BUNDLE) does not exist: ` +
          'build it with bundleWorkflowCode, or unset the setting',
      );
    return { options: { workflowBundle: { codePath: given } }, file: given };
  }
  const bundle = prebuiltBundlePath(moduleDir);
  if (existsSync(bundle)) return { options: { workflowBundle: { codePath: bundle } }, file: bundle };
  const workflowsPath = require.resolve(path.join(moduleDir, '..', 'workflows'));
  return { options: { workflowsPath }, file: workflowsPath };
}
