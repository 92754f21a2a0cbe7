/**
 * The worker's health endpoint (`health.address`), for a kubelet's probes:
 * - `GET /readyz`: 200 while the SDK worker polls its task queue (state `RUNNING`); 503 before
 *   (connecting to Temporal, creating the worker) and once it stops (`STOPPING`, `DRAINING` after
 *   SIGTERM), so no new pod counts as ready before it serves and a draining one stops counting;
 * - `GET /livez`: 200 while the process serves, 503 once the worker `FAILED` (the process exits
 *   right after; a probe that sees it restarts a pod whose exit hangs).
 * The body is the state as JSON, e.g. `{"state":"RUNNING"}`. Anything else is 404.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { State } from '@temporalio/worker';

/** What the endpoint reports before the SDK worker exists. */
export const StartingState = 'STARTING' as const;
export type HealthState = State | typeof StartingState;

/** The answer of one probe. */
export interface ProbeAnswer {
  status: 200 | 503 | 404;
  body: { state: HealthState } | { error: string };
}

/** Pure: what `path` answers when the worker is in `state`. */
export function probeAnswer(path: string, state: HealthState): ProbeAnswer {
  const route = path.split('?')[0];
  if (route === '/readyz') return { status: state === 'RUNNING' ? 200 : 503, body: { state } };
  if (route === '/livez' || route === '/healthz') return { status: state === 'FAILED' ? 503 : 200, body: { state } };
  return { status: 404, body: { error: `no such path ${route ?? ''}: GET /readyz or /livez` } };
}

/** A running health endpoint. */
export interface HealthEndpoint {
  /** `host:port` it listens on (the port chosen when the setting asked for 0). */
  address: string;
  close(): Promise<void>;
}

/**
 * Listens on `address` (`host:port`) and answers from `state()`, read at each request.
 * Rejects when the address can't be bound (e.g. in use), naming it.
 */
export async function startHealthEndpoint(address: string, state: () => HealthState): Promise<HealthEndpoint> {
  const separator = address.lastIndexOf(':');
  const host = address.slice(0, separator).replace(/^\[(.*)\]$/, '$1');
  const port = Number(address.slice(separator + 1));
  const server: Server = createServer((req, res) => {
    const answer =
      req.method === 'GET' || req.method === 'HEAD'
        ? probeAnswer(req.url ?? '/', state())
        : { status: 404 as const, body: { error: 'GET only' } };
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`could not serve health on ${address}: ${err.message}`)));
    server.listen(port, host, resolve);
  });
  const bound = server.address() as AddressInfo;
  return {
    address: `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
