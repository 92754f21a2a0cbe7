/**
 * The official Flink image's entry point (`/docker-entrypoint.sh`), mapped to this node:
 *
 *   jobmanager [-D k=v ...]             → bin/jobmanager.sh start-foreground ...
 *   standalone-job --job-classname C …  → bin/standalone-job.sh start-foreground ...
 *   taskmanager [-D k=v ...]            → bin/taskmanager.sh start-foreground ...
 *   help (the image's default CMD)      → prints the usage, exits 0
 *   anything else                       → runs as a command (`exec "$@"`)
 *
 * A container `command` other than the entry point replaces it, as in Kubernetes.
 */

/** What a container runs, by the entry point's first argument. */
export const FlinkRole = {
  JobManager: 'jobmanager',
  StandaloneJob: 'standalone-job',
  TaskManager: 'taskmanager',
  Help: 'help',
  Command: 'command',
} as const;
export type FlinkRole = (typeof FlinkRole)[keyof typeof FlinkRole];

/** The parsed start of a container. */
export interface EntrypointPlan {
  role: FlinkRole;
  /** Script under FLINK_HOME/bin for the Flink roles. */
  script?: string;
  /** `-D key=value` pairs found in the args (Flink roles only), in order. */
  dynamicProperties: Array<[string, string]>;
  /** The other args (Flink roles), or the whole command line (Command role). */
  args: string[];
}

const SCRIPTS: Partial<Record<FlinkRole, string>> = {
  jobmanager: 'jobmanager.sh',
  'standalone-job': 'standalone-job.sh',
  taskmanager: 'taskmanager.sh',
};

const ENTRYPOINTS = new Set(['/docker-entrypoint.sh', 'docker-entrypoint.sh', '/opt/flink/docker-entrypoint.sh']);

/** Plans how to start a container from its `command` and `args`. */
export function planEntrypoint(container: { command?: string[]; args?: string[] }): EntrypointPlan {
  const command = container.command ?? [];
  const usesEntrypoint = command.length === 0 || (command.length === 1 && ENTRYPOINTS.has(command[0] as string));
  if (!usesEntrypoint)
    return { role: FlinkRole.Command, dynamicProperties: [], args: [...command, ...(container.args ?? [])] };
  const args = container.args && container.args.length > 0 ? container.args : ['help'];
  const [first, ...rest] = args;
  if (first === 'help') return { role: FlinkRole.Help, dynamicProperties: [], args: [] };
  const role = Object.values(FlinkRole).find((r) => r === first && SCRIPTS[r]);
  if (!role) return { role: FlinkRole.Command, dynamicProperties: [], args };
  return { role, script: SCRIPTS[role], ...splitDynamicProperties(rest) };
}

/**
 * Separates `-D key=value` / `-Dkey=value` from the other args, up to `--`: what follows it is the job's own
 * (Flink's parser hands it to the job untouched, `-D` too).
 */
export function splitDynamicProperties(args: readonly string[]): {
  dynamicProperties: Array<[string, string]>;
  args: string[];
} {
  const dynamicProperties: Array<[string, string]> = [];
  const other: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      other.push(...args.slice(i));
      break;
    }
    let pair: string | undefined;
    if (arg === '-D' && i + 1 < args.length) pair = args[++i];
    else if (arg.startsWith('-D') && arg.length > 2) pair = arg.slice(2);
    if (pair === undefined) {
      other.push(arg);
      continue;
    }
    const eq = pair.indexOf('=');
    if (eq <= 0) other.push('-D', pair);
    else dynamicProperties.push([pair.slice(0, eq), pair.slice(eq + 1)]);
  }
  return { dynamicProperties, args: other };
}

/** True for the roles that run a JobManager. */
export function isJobManagerRole(role: FlinkRole): boolean {
  return role === FlinkRole.JobManager || role === FlinkRole.StandaloneJob;
}

/** The usage text of the image's `help`. */
export const ENTRYPOINT_USAGE = 'Usage: $(basename "$0") (jobmanager|standalone-job|taskmanager|history-server)';
