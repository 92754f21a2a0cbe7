/**
 * The fault proxy: one HTTP server on loopback in front of Flink REST (as a forward proxy: the worker's
 * `--flink-proxy`, requests with absolute URIs) and the Kubernetes API (as a reverse proxy: a kubeconfig
 * whose server is this proxy; it calls the API server with the admin's client certificate). It passes
 * everything through until told otherwise: a rule answers matching requests with a status (5xx, 409),
 * resets their connection or stalls them; a tap resolves when a matching request got its answer, and
 * can hold that answer back (an injection point inside an activity: after Flink accepted a trigger,
 * between the objects of an apply).
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

/** Which upstream a request goes to. */
export type ProxyTarget = 'flink' | 'kube';

/** What a rule does to a matching request. */
export type ProxyFault =
  | { kind: 'status'; status: number }
  | { kind: 'reset' }
  /** Holds the request this long, then passes it on. */
  | { kind: 'stall'; ms: number };

/** A request as rules and taps see it. */
export interface ProxiedRequest {
  target: ProxyTarget;
  method: string;
  /** Path and query. */
  path: string;
}

export interface ProxyRule {
  target: ProxyTarget;
  match: (req: ProxiedRequest) => boolean;
  fault: ProxyFault;
  /** Matching requests it applies to; unset: all until removed. */
  times?: number;
}

/** Kubernetes writes (what a 409 answers). */
export const isWrite = (req: ProxiedRequest): boolean => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method);

interface Tap {
  target: ProxyTarget;
  match: (req: ProxiedRequest, status: number) => boolean;
  hold: boolean;
  resolve: () => void;
  release?: Promise<void>;
}

export interface KubeUpstream {
  /** e.g. https://127.0.0.1:16443 */
  server: string;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

export class FaultProxy {
  private server: http.Server | undefined;
  private rules: ProxyRule[] = [];
  private taps: Tap[] = [];
  /** Faults applied, per kind, for the run's evidence. */
  readonly applied = new Map<string, number>();
  readonly agent: https.Agent;

  constructor(private readonly kube: KubeUpstream) {
    this.agent = new https.Agent({ ca: kube.ca, cert: kube.cert, key: kube.key, keepAlive: true });
  }

  async listen(): Promise<number> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.rules = [];
    for (const t of this.taps) t.resolve();
    this.taps = [];
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r) ?? r(undefined));
    this.agent.destroy();
  }

  addRule(rule: ProxyRule): () => void {
    this.rules.push(rule);
    return () => {
      this.rules = this.rules.filter((r) => r !== rule);
    };
  }

  clearRules(): void {
    this.rules = [];
  }

  /**
   * Resolves when a request matching `match` got an answer upstream (`status` given). With `hold`,
   * that answer (and only it) waits until `release` settles, so the caller's fault lands while the
   * activity has not yet seen it.
   */
  tap(
    target: ProxyTarget,
    match: (req: ProxiedRequest, status: number) => boolean,
    opts: { hold?: boolean; release?: Promise<void> } = {},
  ): Promise<void> {
    return new Promise((resolve) => {
      this.taps.push({
        target,
        match,
        hold: opts.hold ?? false,
        resolve,
        ...(opts.release ? { release: opts.release } : {}),
      });
    });
  }

  private ruleFor(req: ProxiedRequest): ProxyRule | undefined {
    const rule = this.rules.find((r) => r.target === req.target && r.match(req));
    if (rule?.times !== undefined) {
      rule.times -= 1;
      if (rule.times <= 0) this.rules = this.rules.filter((r) => r !== rule);
    }
    return rule;
  }

  private count(what: string): void {
    this.applied.set(what, (this.applied.get(what) ?? 0) + 1);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const absolute = /^https?:\/\//.test(req.url ?? '');
    const upstream = absolute ? new URL(req.url!) : new URL(req.url ?? '/', this.kube.server);
    const info: ProxiedRequest = {
      target: absolute ? 'flink' : 'kube',
      method: req.method ?? 'GET',
      path: upstream.pathname + upstream.search,
    };
    const rule = this.ruleFor(info);
    if (rule) {
      this.count(`${info.target} ${rule.fault.kind === 'status' ? rule.fault.status : rule.fault.kind}`);
      if (rule.fault.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (rule.fault.kind === 'status') {
        req.resume();
        res.writeHead(rule.fault.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(statusBody(rule.fault.status, info)));
        return;
      }
      await new Promise((r) => setTimeout(r, (rule.fault as { ms: number }).ms));
    }
    const headers: http.OutgoingHttpHeaders = { ...req.headers, host: upstream.host };
    delete headers['proxy-connection'];
    const send = absolute ? http.request : https.request;
    const out = send(
      upstream,
      { method: info.method, headers, ...(absolute ? {} : { agent: this.agent }) },
      (answer) => void this.answer(info, answer, res),
    );
    out.on('error', () => req.socket.destroy());
    res.on('close', () => out.destroy());
    req.pipe(out);
  }

  private async answer(info: ProxiedRequest, answer: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const status = answer.statusCode ?? 502;
    const taps = this.taps.filter((t) => t.target === info.target && t.match(info, status));
    this.taps = this.taps.filter((t) => !taps.includes(t));
    for (const t of taps) t.resolve();
    for (const t of taps) if (t.hold && t.release) await t.release;
    res.writeHead(status, answer.headers);
    answer.pipe(res);
  }
}

/** A Kubernetes Status body (what a client library parses from a refused request), or Flink's errors. */
function statusBody(status: number, req: ProxiedRequest): unknown {
  const message = `fault proxy: injected ${status} for ${req.method} ${req.path}`;
  if (req.target === 'flink') return { errors: [message] };
  const reason = status === 409 ? 'Conflict' : 'InternalError';
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code: status };
}
