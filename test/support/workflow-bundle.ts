/**
 * The checkout's workflow code bundled once per version of its source, for the end-to-end tests'
 * workers (worker.workflowBundle): each worker start then loads it instead of bundling the source
 * again, seconds of CPU per start. The file is named by a hash of src/, so an edit makes a new one.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { stack } from './stack';

function sourceHash(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(d, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts')) hash.update(path.relative(dir, file)).update(readFileSync(file));
    }
  };
  walk(dir);
  return hash.digest('hex').slice(0, 16);
}

let built: string | undefined;

/** The bundle of the checkout's workflows now (built on first use). */
export function e2eWorkflowBundle(): string {
  if (built && existsSync(built)) return built;
  const dir = path.join(stack.dir, 'workflow-bundles');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `workflow-bundle-${sourceHash(path.join(stack.root, 'src'))}.js`);
  if (!existsSync(file)) {
    const node = path.join(stack.root, 'node_modules', '.bin', 'node');
    const script = path.join(stack.root, 'scripts', 'build', 'workflow-bundle.ts');
    const run = spawnSync(node, ['--import', 'tsx', script, '--source', file], { encoding: 'utf8', cwd: stack.root });
    if (run.status !== 0) throw new Error(`bundling the workflows failed: ${run.stderr}`);
  }
  built = file;
  return file;
}
