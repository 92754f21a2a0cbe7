/**
 * Counts a manifest may not exceed, checked when it is validated (so `validate`, `plan` and `apply`
 * refuse it before anything starts, where Flink or Kubernetes would refuse it halfway through):
 *
 * - a job's parallelism: Flink's upper bound of max parallelism, `1 << 15` (key groups:
 *   `KeyGroupRangeAssignment.UPPER_BOUND_MAX_PARALLELISM`); no operator runs wider;
 * - a component's replicas: Kubernetes keeps a Deployment's `replicas` as a 32-bit integer.
 */
import { SpecIssueCode, type SpecIssue } from './types';

export const maxParallelism = 32_768;
export const maxReplicas = 2_147_483_647;

/** The config key of a job's max parallelism (the same in Flink 1.x and 2.x). */
export const maxParallelismKey = 'pipeline.max-parallelism';

/**
 * The problems of a job's parallelism as it will run: over Flink's bound, or over the max parallelism
 * the configuration sets (Flink refuses such a job when it is submitted, after the old one was stopped).
 * `from` names the field the parallelism came from; `configPath` is where flinkConfiguration sits.
 */
export function parallelismIssues(input: {
  parallelism: number;
  from: string;
  config: Record<string, string>;
  configPath: string;
}): SpecIssue[] {
  const { parallelism, from, config, configPath } = input;
  if (parallelism > maxParallelism) {
    return [
      {
        code: SpecIssueCode.InvalidValue,
        path: from,
        message: `the job's parallelism ${parallelism} is over Flink's limit of ${maxParallelism}`,
        hint: `Set ${from} so the parallelism is ${maxParallelism} or less.`,
      },
    ];
  }
  const text = config[maxParallelismKey];
  if (text === undefined) return [];
  const path = `${configPath}["${maxParallelismKey}"]`;
  const configured = Number(text);
  if (!Number.isInteger(configured) || configured < 1 || configured > maxParallelism) {
    return [
      {
        code: SpecIssueCode.InvalidValue,
        path,
        message: `${maxParallelismKey} must be an integer from 1 to ${maxParallelism} (it is ${text})`,
        hint: `Set it from the job's parallelism (${parallelism}) to ${maxParallelism}.`,
      },
    ];
  }
  if (parallelism <= configured) return [];
  return [
    {
      code: SpecIssueCode.InvalidValue,
      path: from,
      message: `the job's parallelism ${parallelism} is over its max parallelism ${configured} (${maxParallelismKey})`,
      hint: `Lower ${from} to ${configured} or less, or raise ${maxParallelismKey}.`,
    },
  ];
}
