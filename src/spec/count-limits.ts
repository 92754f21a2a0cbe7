/**
 * Counts a manifest may not exceed, checked when it is validated (so `validate`, `plan` and `apply`
 * refuse it before anything starts, where Flink or Kubernetes would refuse it halfway through):
 *
 * - a job's parallelism: Flink's upper bound of max parallelism, `1 << 15` (key groups:
 *   `KeyGroupRangeAssignment.UPPER_BOUND_MAX_PARALLELISM`); no operator runs wider;
 * - a component's replicas: Kubernetes keeps a Deployment's `replicas` as a 32-bit integer;
 * - a job's parallelism over its TaskManagers' slots, when their count is set and the scheduler is not adaptive.
 */
import { adaptiveSchedulerKey, adaptiveSchedulerValue, runsWithSlotsThereAre } from './scheduler';
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

/**
 * The problem of TaskManagers set to fewer slots than the job's parallelism: with Flink's default scheduler the
 * job waits for slots it never gets (after an upgrade stopped the old one) and the upgrade rolls back when its
 * stability times out. None with the adaptive scheduler or reactive mode, which run the job with the slots there
 * are, or when `replicas` is not set (flink-deploy then starts enough: ceil(parallelism / slots)).
 */
export function slotIssues(input: {
  parallelism: number;
  from: string;
  replicas: number | undefined;
  slots: number;
  config: Record<string, string>;
}): SpecIssue[] {
  const { parallelism, from, replicas, slots, config } = input;
  if (replicas === undefined || replicas * slots >= parallelism || runsWithSlotsThereAre(config)) return [];
  const enough = Math.ceil(parallelism / slots);
  return [
    {
      code: SpecIssueCode.InvalidValue,
      path: 'spec.taskManager.replicas',
      message:
        `${replicas} TaskManager(s) × ${slots} slot(s) cannot run the job's parallelism ${parallelism} (${from}): ` +
        "with Flink's default scheduler the job would wait for slots it never gets",
      hint:
        `Set spec.taskManager.replicas to ${enough} or more (or remove it: flink-deploy then starts ${enough}), ` +
        `raise taskmanager.numberOfTaskSlots, lower ${from}, or set ${adaptiveSchedulerKey}: ` +
        `${adaptiveSchedulerValue} (the job then runs with the slots there are).`,
    },
  ];
}
