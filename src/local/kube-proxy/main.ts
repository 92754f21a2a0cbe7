/**
 * Entry point of the local stack's kube-proxy (started by scripts/stack/up.sh beside the node agent):
 *   node --import tsx src/local/kube-proxy/main.ts --kubeconfig <file> [--health-port 10256]
 *     [--service-cidr 127.2.0.0/16]
 * A bad option exits 2 with a message naming it.
 * SIGTERM/SIGINT close every Service listener and forwarded connection, then it exits.
 */
import { messageOf } from '../shared/errors';
import { createLogger } from '../shared/logger';
import { serveUntilSignalled } from '../shared/serve';
import { KubeProxy } from './kube-proxy';
import { parseProxyOptions, type ProxyOptions } from './options';

async function main(): Promise<void> {
  const log = createLogger('kube-proxy');
  let options: ProxyOptions;
  try {
    options = parseProxyOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`kube-proxy: ${messageOf(error)}`);
    process.exit(2);
  }
  const proxy = new KubeProxy(options, log);
  await serveUntilSignalled({
    service: proxy,
    port: options.healthPort,
    documents: { '/services': () => proxy.addresses() },
    log,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
