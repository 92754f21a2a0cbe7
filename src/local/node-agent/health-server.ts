/**
 * `GET /healthz` (200 once the node is registered), `GET /pods` (what runs here) and
 * `GET /services` (the Service addresses proxied) on 127.0.0.1.
 */
import http from 'node:http';

/** What the health server reports. */
export interface HealthSource {
  healthy(): boolean;
  pods(): unknown;
  services(): unknown;
}

/** Starts the server; resolves once it listens. */
export function startHealthServer(input: { port: number; source: HealthSource }): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    if (request.url === '/healthz') {
      const ok = input.source.healthy();
      response.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok' : 'starting');
    } else if (request.url === '/pods') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(input.source.pods(), null, 2));
    } else if (request.url === '/services') {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(input.source.services(), null, 2));
    } else {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(input.port, '127.0.0.1', () => resolve(server));
  });
}
