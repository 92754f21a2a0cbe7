/** The helm CLI the stack built (scripts/stack/build-helm.sh), and the repository's chart. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { stack } from './stack';

export const chartDir = path.join(stack.root, 'deploy', 'helm', 'flink-deploy');
export const fullValues = path.join(chartDir, 'ci', 'full-values.yaml');

/** What one helm command printed and returned. */
export interface HelmRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `helm args…` to its end (at most `timeoutMs`), with HOME-independent caches under .stack. */
export function helm(args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<HelmRun> {
  if (!existsSync(stack.helm)) {
    throw new Error(`no helm at ${stack.helm}: run bash scripts/stack/build-helm.sh (npm run setup does)`);
  }
  const cache = path.join(stack.dir, 'helm');
  return new Promise((resolve) => {
    execFile(
      stack.helm,
      args,
      {
        timeout: opts.timeoutMs ?? 60_000,
        maxBuffer: 16 * 1024 * 1024,
        env: {
          PATH: process.env.PATH,
          // helm's Kubernetes discovery cache is $HOME/.kube/cache: without HOME it would be ./.kube in the checkout.
          HOME: path.join(cache, 'home'),
          HELM_CACHE_HOME: path.join(cache, 'cache'),
          HELM_CONFIG_HOME: path.join(cache, 'config'),
          HELM_DATA_HOME: path.join(cache, 'data'),
          ...opts.env,
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A rendered Kubernetes object. */
export interface Rendered {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

/** `helm template` of the chart as release `name` in `namespace`: its text and objects; throws on failure. */
export async function renderChart(input: { name: string; namespace: string; args?: string[] }): Promise<{
  text: string;
  objects: Rendered[];
}> {
  const run = await helm(['template', input.name, chartDir, '--namespace', input.namespace, ...(input.args ?? [])]);
  if (run.code !== 0) throw new Error(`helm template failed (exit ${run.code}): ${run.stderr}`);
  const objects = parseAllDocuments(run.stdout)
    .map((doc) => doc.toJS() as Rendered | null)
    .filter((o): o is Rendered => o !== null);
  return { text: run.stdout, objects };
}
