/**
 * A LOAD STAND-IN for the Flink REST APIs of many applications (benchmarks only: a thousand real
 * Flink clusters do not fit on one machine). The worker reaches it as its Flink proxy
 * (`--flink-proxy`, `--flink-endpoint service-dns`): each request names the application in its
 * absolute URL (`http://<app>-rest.<ns>.svc:8081/...`). It answers what a healthy JobManager
 * answers to the calls a periodic savepoint and the observer make: the job RUNNING, its
 * exceptions and checkpoints, savepoint triggers keyed by the caller's trigger id (IN_PROGRESS for
 * `savepointMs`, then COMPLETED), and disposals. Every answer comes after `latencyMs`, and the
 * stand-in keeps its own answer times, the floor the orchestration overhead is measured against.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface StandInOptions {
  /** Delay of every answer. */
  latencyMs: number;
  /** How long a savepoint stays IN_PROGRESS after its trigger. */
  savepointMs: number;
}

interface Trigger {
  at: number;
  app: string;
  jobId: string;
  stop: boolean;
  location: string;
}

/** What the stand-in saw. */
export interface StandInCounts {
  requests: number;
  savepointTriggers: number;
  disposals: number;
  /** Requests per path kind (`GET /jobs/:id`, ...). */
  byKind: Record<string, number>;
}

export class FlinkStandIn {
  readonly counts: StandInCounts = { requests: 0, savepointTriggers: 0, disposals: 0, byKind: {} };
  private readonly triggers = new Map<string, Trigger>();
  private readonly disposalsById = new Map<string, number>();
  /** Jobs stopped with a savepoint: FINISHED once it completed. */
  private readonly stopped = new Map<string, Trigger>();
  /** The newest completed savepoint of each application: what its next job restores from. */
  private readonly lastSavepoint = new Map<string, string>();
  private server?: Server;

  constructor(private readonly options: StandInOptions) {}

  /** Listens on 127.0.0.1 (a free port); the proxy URL for the worker. */
  async start(): Promise<string> {
    const server = createServer((req, res) => this.onRequest(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const app = url.hostname.replace(/-rest\..*$/, '');
      const [status, answer, kind] = this.answer(req.method ?? 'GET', url.pathname, app, body);
      this.counts.requests++;
      this.counts.byKind[kind] = (this.counts.byKind[kind] ?? 0) + 1;
      setTimeout(() => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      }, this.options.latencyMs);
    });
  }

  private answer(method: string, path: string, app: string, body: string): [number, unknown, string] {
    const now = Date.now();
    const parts = path.split('/').filter(Boolean);
    if (method === 'POST' && parts[0] === 'jobs' && (parts[2] === 'savepoints' || parts[2] === 'stop')) {
      const stop = parts[2] === 'stop';
      const triggerId = (JSON.parse(body || '{}') as { triggerId?: string }).triggerId ?? `${now}`;
      if (!this.triggers.has(triggerId)) {
        this.counts.savepointTriggers++;
        const trigger = {
          at: now,
          app,
          jobId: parts[1]!,
          stop,
          location: `file:/stand-in/${app}/savepoint-${triggerId}`,
        };
        this.triggers.set(triggerId, trigger);
        if (stop) this.stopped.set(parts[1]!, trigger);
      }
      return [202, { 'request-id': triggerId }, `POST /jobs/:id/${parts[2]}`];
    }
    if (method === 'GET' && parts[0] === 'jobs' && parts[2] === 'savepoints' && parts[3]) {
      const trigger = this.triggers.get(parts[3]);
      if (!trigger) return [404, { errors: ['trigger not found'] }, 'GET /jobs/:id/savepoints/:trigger'];
      const done = now - trigger.at >= this.options.savepointMs;
      if (done) this.lastSavepoint.set(trigger.app, trigger.location);
      const answer = done
        ? { status: { id: 'COMPLETED' }, operation: { location: trigger.location } }
        : { status: { id: 'IN_PROGRESS' } };
      return [200, answer, 'GET /jobs/:id/savepoints/:trigger'];
    }
    if (method === 'POST' && parts[0] === 'savepoint-disposal') {
      const id = `disposal-${this.disposalsById.size + 1}`;
      this.disposalsById.set(id, now);
      this.counts.disposals++;
      return [202, { 'request-id': id }, 'POST /savepoint-disposal'];
    }
    if (method === 'GET' && parts[0] === 'savepoint-disposal') {
      return [200, { status: { id: 'COMPLETED' }, operation: {} }, 'GET /savepoint-disposal/:id'];
    }
    if (method === 'GET' && parts[0] === 'jobs' && parts[2] === 'exceptions') {
      return [200, { exceptionHistory: { entries: [], truncated: false } }, 'GET /jobs/:id/exceptions'];
    }
    if (method === 'GET' && parts[0] === 'jobs' && parts[2] === 'checkpoints') {
      return [200, checkpoints(now, this.lastSavepoint.get(app)), 'GET /jobs/:id/checkpoints'];
    }
    if (method === 'GET' && parts[0] === 'jobs' && parts[1] && !parts[2]) {
      const stop = this.stopped.get(parts[1]);
      const finished = stop !== undefined && now - stop.at >= this.options.savepointMs;
      return [200, job(parts[1], finished ? 'FINISHED' : 'RUNNING', now), 'GET /jobs/:id'];
    }
    return [404, { errors: [`the stand-in does not answer ${method} ${path}`] }, `other ${method}`];
  }
}

function job(jobId: string, state: 'RUNNING' | 'FINISHED', now: number): unknown {
  return {
    jid: jobId,
    name: 'stand-in',
    isStoppable: false,
    state,
    'start-time': now - 60_000,
    'end-time': state === 'FINISHED' ? now : -1,
    duration: 60_000,
    now,
    timestamps: {},
    vertices: [{ id: 'v1', name: 'source', status: state, parallelism: 1 }],
  };
}

function checkpoints(now: number, restoredFrom: string | undefined): unknown {
  return {
    counts: { restored: 0, total: 5, in_progress: 0, completed: 5, failed: 0 },
    latest: {
      completed: {
        id: 5,
        status: 'COMPLETED',
        is_savepoint: false,
        trigger_timestamp: now - 1000,
        latest_ack_timestamp: now,
        external_path: 'file:/stand-in/chk-5',
      },
      savepoint: null,
      failed: null,
      restored: restoredFrom
        ? { id: 1, restore_timestamp: now - 1000, is_savepoint: true, external_path: restoredFrom }
        : null,
    },
    history: [],
  };
}
