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

/** `workflowBundle` when a prebuilt bundle exists, else `workflowsPath` (bundled at start). */
export function workflowCode(moduleDir: string = __dirname): WorkflowCode {
  const bundle = prebuiltBundlePath(moduleDir);
  if (existsSync(bundle)) return { options: { workflowBundle: { codePath: bundle } }, file: bundle };
  const workflowsPath = require.resolve(path.join(moduleDir, '..', 'workflows'));
  return { options: { workflowsPath }, file: workflowsPath };
}
