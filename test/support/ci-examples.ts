/** The shell steps of the CI examples (examples/ci/), read from the files as a runner reads them. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { stack } from './stack';

/** One job of an example: its name, its shell steps in order, and the environment names it sets. */
export interface CiJob {
  name: string;
  steps: string[];
  envNames: string[];
}

const examplesDir = path.join(stack.root, 'examples', 'ci');

interface GitHubWorkflow {
  env?: Record<string, string>;
  jobs: Record<string, { env?: Record<string, string>; steps: Array<{ run?: string; uses?: string }> }>;
}

/** The jobs of examples/ci/github-actions.yml: each `run` step (the `uses` steps are the runner's set-up). */
export function gitHubJobs(): CiJob[] {
  const workflow = parse(readFileSync(path.join(examplesDir, 'github-actions.yml'), 'utf8')) as GitHubWorkflow;
  return Object.entries(workflow.jobs).map(([name, job]) => ({
    name,
    steps: job.steps.flatMap((step) => (step.run ? [step.run] : [])),
    envNames: [...Object.keys(workflow.env ?? {}), ...Object.keys(job.env ?? {})],
  }));
}

/** A GitLab `script`: lines, and the lists an anchor such as `*install` expands to. */
type GitLabScript = Array<string | string[]>;

/** The jobs of examples/ci/gitlab-ci.yml (keys with a `script`; anchors such as `*install` expanded). */
export function gitLabJobs(): CiJob[] {
  const pipeline = parse(readFileSync(path.join(examplesDir, 'gitlab-ci.yml'), 'utf8')) as Record<string, unknown>;
  const globals = Object.keys((pipeline.variables as Record<string, string> | undefined) ?? {});
  return Object.entries(pipeline)
    .filter(([name, job]) => !name.startsWith('.') && typeof job === 'object' && job !== null && 'script' in job)
    .map(([name, job]) => {
      const { script, variables } = job as { script: GitLabScript; variables?: Record<string, string> };
      return {
        name,
        steps: script.flat(),
        envNames: [...globals, ...Object.keys(variables ?? {})],
      };
    });
}
