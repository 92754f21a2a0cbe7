/**
 * The health endpoint of a local stand-in, on 127.0.0.1: `GET /healthz` (200 once the process does its job, 503
 * before) and a JSON document per path of what it holds (the node agent's `/pods`, kube-proxy's `/services`).
 */
import http from 'node:http';

/** Starts the server; resolves once it listens. */
export function startHealthServer(input: {
  port: number;
  healthy: () => boolean;
  /** `GET <path>` answers the JSON of its function's result. */
  documents: Record<string, () => unknown>;
}): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const url = request.url ?? '';
    const document = Object.hasOwn(input.documents, url) ? input.documents[url] : undefined;
    if (url === '/healthz') {
      const ok = input.healthy();
      response.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok' : 'starting');
    } else if (document) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document(), null, 2));
    } else {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(input.port, '127.0.0.1', () => resolve(server));
  });
}
