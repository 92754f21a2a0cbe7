/**
 * The part of the kubelet's HTTPS API the API server uses for `kubectl logs`:
 * `GET /containerLogs/<ns>/<pod>/<container>` with `tailLines`, `limitBytes`, `previous` and
 * `follow`, answered from the container's log file (stdout and stderr of every attempt; each
 * attempt's start offset is in `<container>.log.starts`). `timestamps` and `sinceSeconds` are
 * not honoured (the file has no per-line times).
 *
 * Served with the node's certificate; a client must present a certificate of the cluster CA
 * (the API server's kubelet client certificate) and be allowed `get nodes/proxy` on this node
 * (a SubjectAccessReview, as the kubelet's webhook authorizer asks).
 */
import fs from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import * as k8s from '@kubernetes/client-node';
import { messageOf } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { KubeClients } from './kube-clients';
import type { StateStore } from './state-store';

/** How often a followed log is read for new bytes. */
const FOLLOW_POLL_MS = 500;
/** Longest a followed log stays open. */
const FOLLOW_MAX_MS = 3600_000;

/** TLS files of the kubelet API. */
export interface KubeletTls {
  cert: string;
  key: string;
  clientCa: string;
}

/** Starts the kubelet API on 127.0.0.1:`port`; resolves once it listens. */
export function startKubeletServer(input: {
  port: number;
  tls: KubeletTls;
  nodeName: string;
  clients: KubeClients;
  store: StateStore;
  log: Logger;
}): Promise<https.Server> {
  const authz = input.clients.config.makeApiClient(k8s.AuthorizationV1Api);
  const server = https.createServer(
    {
      cert: fs.readFileSync(input.tls.cert),
      key: fs.readFileSync(input.tls.key),
      ca: fs.readFileSync(input.tls.clientCa),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (request, response) => {
      const fail = (status: number, message: string) => {
        if (!response.headersSent) response.writeHead(status, { 'content-type': 'text/plain' });
        response.end(`${message}\n`);
      };
      const url = new URL(request.url ?? '/', 'https://node');
      const match = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
      if (request.method !== 'GET' || !match) return fail(404, `not found: ${url.pathname}`);
      const peer = (request.socket as TLSSocket).getPeerCertificate();
      const user = typeof peer.subject?.CN === 'string' ? peer.subject.CN : '';
      const organisations = peer.subject?.O;
      const groups = Array.isArray(organisations) ? organisations : organisations ? [organisations] : [];
      authz
        .createSubjectAccessReview({
          body: {
            spec: {
              user,
              groups,
              resourceAttributes: { verb: 'get', resource: 'nodes', subresource: 'proxy', name: input.nodeName },
            },
          },
        })
        .then((review) => {
          if (!review.status?.allowed) {
            return fail(403, `Forbidden (user=${user}, verb=get, resource=nodes, subResource=proxy)`);
          }
          const [, namespace, pod, container] = match.map(decodeURIComponent) as [string, string, string, string];
          serveLog({ store: input.store, namespace, pod, container, url, response, request, fail });
        })
        .catch((error: unknown) => {
          input.log.warn({ err: messageOf(error) }, 'kubelet API: authorization failed');
          fail(500, `authorization failed: ${messageOf(error)}`);
        });
    },
  );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(input.port, '127.0.0.1', () => resolve(server));
  });
}

function serveLog(input: {
  store: StateStore;
  namespace: string;
  pod: string;
  container: string;
  url: URL;
  request: http.IncomingMessage;
  response: http.ServerResponse;
  fail: (status: number, message: string) => void;
}): void {
  const file = input.store.containerPaths({
    namespace: input.namespace,
    name: input.pod,
    container: input.container,
  }).logFile;
  if (!fs.existsSync(file)) {
    return input.fail(404, `no log of container "${input.container}" in pod ${input.namespace}/${input.pod} here`);
  }
  const previous = input.url.searchParams.get('previous') === 'true';
  const range = attemptRange({ file, previous });
  if (!range) {
    return input.fail(400, `previous terminated container "${input.container}" in pod "${input.pod}" not found`);
  }
  let text = fs.readFileSync(file).subarray(range.start, range.end).toString('utf8');
  const tail = Number(input.url.searchParams.get('tailLines') ?? Number.NaN);
  if (Number.isInteger(tail) && tail >= 0) text = lastLines(text, tail);
  const limit = Number(input.url.searchParams.get('limitBytes') ?? Number.NaN);
  if (Number.isInteger(limit) && limit > 0) text = Buffer.from(text).subarray(0, limit).toString('utf8');
  input.response.writeHead(200, { 'content-type': 'text/plain' });
  input.response.write(text);
  if (input.url.searchParams.get('follow') !== 'true' || previous) {
    input.response.end();
    return;
  }
  let offset = range.end;
  const started = Date.now();
  const timer = setInterval(() => {
    try {
      const size = fs.statSync(file).size;
      if (size > offset) {
        const fd = fs.openSync(file, 'r');
        const chunk = Buffer.alloc(size - offset);
        fs.readSync(fd, chunk, 0, chunk.length, offset);
        fs.closeSync(fd);
        offset = size;
        input.response.write(chunk);
      }
    } catch {
      stop();
    }
    if (Date.now() - started > FOLLOW_MAX_MS) stop();
  }, FOLLOW_POLL_MS);
  const stop = () => {
    clearInterval(timer);
    input.response.end();
  };
  input.request.once('close', () => clearInterval(timer));
}

/** Byte range of the current (or previous) attempt in a log file, from its `.starts` offsets. */
export function attemptRange(input: { file: string; previous: boolean }): { start: number; end: number } | undefined {
  const size = fs.statSync(input.file).size;
  const starts = readStarts(`${input.file}.starts`).filter((offset) => offset <= size);
  if (input.previous) {
    if (starts.length < 2) return undefined;
    return { start: starts[starts.length - 2] as number, end: starts[starts.length - 1] as number };
  }
  return { start: starts[starts.length - 1] ?? 0, end: size };
}

function readStarts(file: string): number[] {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(Number)
      .filter((n) => Number.isInteger(n) && n >= 0);
  } catch {
    return [];
  }
}

/** The last `count` lines of `text`. */
export function lastLines(text: string, count: number): string {
  if (count === 0) return '';
  const lines = text.split('\n');
  const trailing = lines[lines.length - 1] === '' ? 1 : 0;
  return lines.slice(Math.max(0, lines.length - trailing - count)).join('\n');
}
