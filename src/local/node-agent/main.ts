/**
 * Entry point of the node agent (started by scripts/stack/up.sh):
 *   node --import tsx src/local/node-agent/main.ts --kubeconfig <file> --state-dir <dir>
 *     --flink-home <FLINK_HOME> --jobs-dir <dir> [--health-port 10250] [--node-name local-node]
 *     [--pod-cidr 127.1.0.0/16] [--service-cidr 127.2.0.0/16] [--pip <venv>/bin/pip [--image-cache <dir>]]
 *     [--kubelet-port 10251 --tls-cert <node cert> --tls-key <key> --client-ca <CA>]
 * A bad option exits 2 with a message naming it.
 * SIGTERM/SIGINT stop every pod's processes, then the agent exits.
 */
import { messageOf } from '../shared/errors';
import { createLogger } from '../shared/logger';
import { serveUntilSignalled } from '../shared/serve';
import { NodeAgent } from './agent';
import { distributionVersion } from './image-store';
import { parseAgentOptions, realStateDir } from './options';

async function main(): Promise<void> {
  const log = createLogger('node-agent');
  let options: ReturnType<typeof parseAgentOptions>;
  try {
    const parsed = parseAgentOptions(process.argv.slice(2));
    options = { ...parsed, stateDir: realStateDir(parsed.stateDir) };
  } catch (error) {
    console.error(`node agent: ${messageOf(error)}`);
    process.exit(2);
  }
  const agent = new NodeAgent({ ...options, flinkVersion: distributionVersion(options.flinkHome) }, log);
  await serveUntilSignalled({
    service: agent,
    port: options.healthPort,
    documents: { '/pods': () => agent.describe() },
    log,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
