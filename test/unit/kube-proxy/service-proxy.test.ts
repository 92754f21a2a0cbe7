/**
 * The Service proxy on real loopback sockets: a Service's clusterIP:port forwards to a ready
 * pod's targetPort (named ports looked up in the pod), follows the pod when it is replaced,
 * refuses (closes) while no pod is ready, and stops listening when the Service goes.
 */
import net from 'node:net';
import type * as k8s from '@kubernetes/client-node';
import { resolveTargetPort, ServiceProxy } from '../../../src/local/kube-proxy/service-proxy';
import { ServiceDirectory } from '../../../src/local/node-agent/service-directory';
import { createLogger } from '../../../src/local/shared/logger';
import { parseLoopbackRange } from '../../../src/local/shared/loopback-range';

// Ranges no stack uses, so the test never meets a stack's listeners.
const serviceRange = parseLoopbackRange('service-cidr', '127.202.0.0/16');
const servers: net.Server[] = [];

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A TCP server on host:port that answers every connection with `name` and closes. */
async function namedServer(host: string, port: number, name: string): Promise<net.Server> {
  const server = net.createServer((socket) => socket.end(name));
  await new Promise<void>((resolve) => server.listen({ host, port }, resolve));
  servers.push(server);
  return server;
}

/** What a connection to host:port reads until it closes ('' when closed at once). */
function read(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

function pod(input: { name: string; ip: string; ready: boolean }): k8s.V1Pod {
  return {
    metadata: { name: input.name, namespace: 'ns', labels: { app: 'a' } },
    spec: { containers: [{ name: 'c', ports: [{ name: 'rpc', containerPort: 16123 }] }] },
    status: {
      phase: 'Running',
      podIP: input.ip,
      conditions: [{ type: 'Ready', status: input.ready ? 'True' : 'False' }],
    },
  };
}

test(
  'forwards clusterIP:port to a ready pod, follows a ' + 'replaced pod, closes without one, stops with the Service',
  async () => {
    let pods: k8s.V1Pod[] = [pod({ name: 'jm-1', ip: '127.201.0.1', ready: true })];
    let services: k8s.V1Service[] = [
      {
        metadata: { name: 'app', namespace: 'ns' },
        spec: {
          clusterIP: '127.202.0.10',
          selector: { app: 'a' },
          ports: [{ name: 'rpc', port: 16123, targetPort: 'rpc' }],
        },
      },
    ];
    const caches = {
      services: {
        list: () => services,
        get: (name: string, namespace?: string) =>
          services.find((s) => s.metadata?.name === name && s.metadata?.namespace === namespace),
      },
      pods: { list: (namespace?: string) => pods.filter((p) => p.metadata?.namespace === namespace) },
    };
    const proxy = new ServiceProxy({ range: serviceRange, caches, log: createLogger('kube-proxy') });
    await namedServer('127.201.0.1', 16123, 'first');
    await namedServer('127.201.0.2', 16123, 'second');
    try {
      proxy.sync();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(proxy.addresses()).toEqual(['127.202.0.10:16123']);
      expect(await read('127.202.0.10', 16123)).toBe('first');

      // The pod is replaced: same Service address, new endpoint. While it is not ready: closed at once.
      pods = [pod({ name: 'jm-2', ip: '127.201.0.2', ready: false })];
      expect(await read('127.202.0.10', 16123)).toBe('');
      pods = [pod({ name: 'jm-2', ip: '127.201.0.2', ready: true })];
      expect(await read('127.202.0.10', 16123)).toBe('second');

      // Names resolve to the Service address, not to the pod.
      const directory = new ServiceDirectory(caches, serviceRange);
      expect(directory.lookup({ host: 'app.ns.svc', podNamespace: 'x' })).toEqual({
        kind: 'resolved',
        ip: '127.202.0.10',
        service: 'ns/app',
      });

      services = [];
      proxy.sync();
      expect(proxy.addresses()).toEqual([]);
      await expect(read('127.202.0.10', 16123)).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await proxy.close();
    }
  },
);

test('a Service outside the range resolves to a pod IP as before; targetPort defaults to the port', () => {
  const service: k8s.V1Service = {
    metadata: { name: 'old', namespace: 'ns' },
    spec: { clusterIP: '10.0.0.7', selector: { app: 'a' }, ports: [{ port: 8081 }] },
  };
  const ready = pod({ name: 'jm', ip: '127.201.0.9', ready: true });
  const directory = new ServiceDirectory(
    { services: { get: () => service }, pods: { list: () => [ready] } },
    serviceRange,
  );
  expect(directory.lookup({ host: 'old', podNamespace: 'ns' })).toMatchObject({ kind: 'resolved', ip: '127.201.0.9' });
  expect(resolveTargetPort({ pod: ready, port: { port: 8081 } })).toBe(8081);
  expect(resolveTargetPort({ pod: ready, port: { port: 1, targetPort: 'missing' as unknown as number } })).toBe(
    undefined,
  );
});
