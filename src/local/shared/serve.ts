/**
 * How a process of the local stack runs (the node agent, kube-proxy): its health server, then the service started;
 * on SIGTERM/SIGINT (once) the service is stopped, the health server closed, and the process exits 0.
 */
import { startHealthServer } from './health-server';
import type { Logger } from './logger';

/** A service a process of the stack runs. */
export interface Served {
  readonly healthy: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function serveUntilSignalled(input: {
  service: Served;
  port: number;
  /** Paths the health server answers besides `/healthz`, each with the JSON it returns. */
  documents: Record<string, () => unknown>;
  log: Logger;
}): Promise<void> {
  const { service, log } = input;
  const server = await startHealthServer({
    port: input.port,
    healthy: () => service.healthy,
    documents: input.documents,
  });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    service
      .stop()
      .catch((error: unknown) => log.error({ err: error }, 'stop failed'))
      .finally(() => {
        server.close();
        process.exit(0);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await service.start();
}
