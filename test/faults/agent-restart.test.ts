/**
 * A node agent restart is a kubelet restart: its pods keep running, and connections through Services stay open,
 * because the Service proxy is kube-proxy's own process (src/local/kube-proxy), as in a cluster. A TCP connection
 * through a Service's clusterIP to an echo pod carries a line before the agent is SIGKILLed, while it is down and
 * after scripts/stack/up.sh started it again; the pod is the same one, its process never restarted.
 *
 * It restarts the stack's node agent, as the fault matrix's `node-agent-restart` does; other pods are adopted by
 * the new agent and kept running (docs/node-agent.md). A fault test (`npm run faults`, one file at a time), not an
 * integration one: `npm test` runs e2e beside integration, and an e2e test's pods would see their node go away.
 * kube-proxy is not restarted here: that cuts every connection through every Service of the stack, those of other
 * tests' Flink clusters too.
 */
import net from 'node:net';
import type * as k8s from '@kubernetes/client-node';
import { eventually as poll } from '../support/eventually';
import { stack } from '../support/stack';
import { killStackProcess, stackPid, stackUp } from '../support/stack-processes';
import {
  createNamespace,
  deleteNamespace,
  eventually,
  isReady,
  kube,
  podProcesses,
} from '../integration/node-agent/cluster';

let namespace = '';
const connections: EchoConnection[] = [];

beforeAll(async () => {
  namespace = await createNamespace('node-agent-restart');
});
afterAll(async () => {
  for (const connection of connections) connection.destroy();
  await deleteNamespace(namespace);
});

/** The echo server's port: on every address of the node (busybox's nc binds no single one), so one of our own. */
const echoPort = 21000 + (process.pid % 8000);

/** A pod whose server greets each connection with `hello-<name>`, then echoes each line. */
function echoPod(name: string): k8s.V1Pod {
  return {
    metadata: { name, labels: { app: 'echo' } },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'echo',
          image: 'busybox:1.35.0',
          command: ['nc', '-ll', '-p', String(echoPort), '-e', 'sh', '-c', `echo hello-${name}; exec cat`],
          // Declared, so the pod is Ready once the server accepts, and the Service's named targetPort finds it.
          ports: [{ name: 'echo', containerPort: echoPort }],
        },
      ],
    },
  };
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response.json();
}

/** A TCP connection that reads what arrives line by line and knows whether it has closed. */
class EchoConnection {
  private buffer = '';
  private readonly lines: string[] = [];
  closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let end = this.buffer.indexOf('\n'); end >= 0; end = this.buffer.indexOf('\n')) {
        this.lines.push(this.buffer.slice(0, end));
        this.buffer = this.buffer.slice(end + 1);
      }
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  static open(host: string, port: number): Promise<EchoConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port }, () => resolve(new EchoConnection(socket)));
      socket.once('error', reject);
    });
  }

  /** The next line; fails at once when the connection has closed, or when nothing comes in `timeoutMs`. */
  next(timeoutMs = 10_000): Promise<string> {
    const probe = () => {
      if (this.lines.length > 0) return this.lines.shift();
      if (this.closed) throw new Error('the connection closed');
      return undefined;
    };
    return poll('a line on the connection', probe, { timeoutMs, intervalMs: 50, tolerateErrors: false });
  }

  /** Sends `line` and returns what comes back. */
  async echo(line: string): Promise<string> {
    this.socket.write(`${line}\n`);
    return this.next();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

test('a connection through a Service stays open and working across a node agent restart', async () => {
  await kube.core.createNamespacedPod({ namespace, body: echoPod('a') });
  const service = await kube.core.createNamespacedService({
    namespace,
    body: {
      metadata: { name: 'echo' },
      spec: { selector: { app: 'echo' }, ports: [{ name: 'echo', port: 7000, targetPort: 'echo' }] },
    },
  });
  const clusterIp = service.spec?.clusterIP ?? '';
  const pod = await eventually('the echo pod Ready', async () => {
    const found = await kube.core.readNamespacedPod({ name: 'a', namespace });
    return isReady(found) ? found : undefined;
  });
  // The container's process (`local://<pid>`), which an adopting agent keeps watching, never starts again.
  const containerId = pod.status?.containerStatuses?.[0]?.containerID ?? '';
  expect(containerId).toMatch(/^local:\/\/\d+$/);

  const connection = await eventually('a connection through the Service greeted by the pod', async () => {
    const opened = await EchoConnection.open(clusterIp, 7000);
    connections.push(opened);
    return (await opened.next(3000).catch(() => '')) === 'hello-a' ? opened : undefined;
  });
  expect(await connection.echo('before')).toBe('before');
  expect(await getJson(`${stack.kubeProxyUrl}/services`)).toContain(`${clusterIp}:7000`);

  const agentPid = await killStackProcess('node-agent');
  try {
    // The kubelet is gone; the proxy and the pod are not.
    expect(await connection.echo('while the agent is down')).toBe('while the agent is down');
  } finally {
    await stackUp();
  }
  expect(stackPid('node-agent')).not.toBe(agentPid);
  expect(await connection.echo('after')).toBe('after');
  expect(connection.closed).toBe(false);

  // The new agent adopted the pod: the same process, no restart, ready.
  const adopted = await eventually('the echo pod run by the new agent', async () => {
    const pods = (await getJson(`${stack.nodeAgentUrl}/pods`)) as Array<{ uid: string; status: k8s.V1PodStatus }>;
    return pods.find((p) => p.uid === pod.metadata?.uid)?.status.containerStatuses?.[0];
  });
  expect(adopted).toMatchObject({ ready: true, restartCount: 0, containerID: containerId });
  expect(podProcesses(pod.metadata?.uid ?? '')).toContain(Number(containerId.slice('local://'.length)));
  expect(await connection.echo('still')).toBe('still');
});
