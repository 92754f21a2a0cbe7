/** Command-line options of the node agent (`main.ts`). */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AgentError, AgentErrorCode } from './errors';

/** Settings of one node-agent process. */
export interface AgentOptions {
  /** Kubeconfig of the local cluster (admin). */
  kubeconfig: string;
  /** Folder for pod state, logs, volumes and pid files; outlives the agent. */
  stateDir: string;
  /** The Flink distribution that `flink:<version>` images map to. */
  flinkHome: string;
  /** Folder with the test jobs' jars; `/opt/flink/usrlib` and `local://` jars map here. */
  jobsDir: string;
  /** Port of `GET /healthz` on 127.0.0.1. @default 10250 */
  healthPort: number;
  /** Name of the Node this agent registers. @default local-node */
  nodeName: string;
}

/** Parses `argv` (without node and script); throws AgentError BAD_OPTION on a missing option. */
export function parseAgentOptions(argv: readonly string[]): AgentOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      kubeconfig: { type: 'string' },
      'state-dir': { type: 'string' },
      'flink-home': { type: 'string' },
      'jobs-dir': { type: 'string' },
      'health-port': { type: 'string', default: '10250' },
      'node-name': { type: 'string', default: 'local-node' },
    },
    strict: true,
  });
  const need = (name: string, value: string | undefined): string => {
    if (!value) throw new AgentError(AgentErrorCode.BadOption, `--${name} is required`);
    return path.resolve(value);
  };
  const healthPort = Number(values['health-port']);
  if (!Number.isInteger(healthPort) || healthPort <= 0 || healthPort > 65535) {
    throw new AgentError(AgentErrorCode.BadOption, `--health-port must be a port number, got ${values['health-port']}`);
  }
  return {
    kubeconfig: need('kubeconfig', values.kubeconfig),
    stateDir: need('state-dir', values['state-dir']),
    flinkHome: need('flink-home', values['flink-home']),
    jobsDir: need('jobs-dir', values['jobs-dir']),
    healthPort,
    nodeName: values['node-name'] ?? 'local-node',
  };
}
