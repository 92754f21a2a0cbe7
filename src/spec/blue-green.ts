/**
 * What `spec.flinkDeploy.upgrade.strategy: blue-green` needs of a spec. Each generation is a
 * session cluster the job is submitted to through Flink's REST jar run, and the jar must be in
 * the image (`local://`): the JobManager pod copies it into Flink's web upload folder
 * (src/k8s/render/generation.ts). Pure.
 */
import { SpecIssueCode, type SpecIssue } from './types';
import { localJarPath } from './validators';

/** The issues of a blue-green spec whose job is at `jarURI` (none when not blue-green). */
export function blueGreenIssues(blueGreen: boolean, jarURI: string | undefined): SpecIssue[] {
  if (!blueGreen || jarURI === undefined || localJarPath(jarURI) !== undefined) return [];
  return [
    {
      code: SpecIssueCode.Unsupported,
      path: 'spec.job.jarURI',
      message:
        `upgrade strategy blue-green submits the job to each new cluster from a jar in the image; ` +
        `"${jarURI}" is not a local:///<path>.jar`,
      hint:
        'Put the jar into the image and use local:///opt/flink/usrlib/<name>.jar, or remove ' +
        'spec.flinkDeploy.upgrade.strategy (recreate).',
    },
  ];
}

/**
 * The job's jar id in Flink's web upload folder: `flink-deploy_<file name>` (Flink lists only
 * `<id>_<name>.jar` files there, as its own uploads are named).
 */
export function blueGreenJarId(jarURI: string): string {
  return `flink-deploy_${jarURI.slice(jarURI.lastIndexOf('/') + 1)}`;
}
