/**
 * What kube-proxy does for a Service, on loopback (in its userspace mode): each Service whose
 * clusterIP lies in the Service range (`--service-cidr`) gets one TCP listener per port on that
 * address, and each accepted connection is forwarded to a ready endpoint: a Ready pod the Service
 * selects (or any live one with `publishNotReadyAddresses`), on the targetPort (a number, or
 * a container port's name looked up in that pod). The address stays while pods come and go,
 * so a restarted JobManager is found again by TaskManagers that only know the Service.
 *
 * With no ready endpoint the connection is accepted and closed at once (kube-proxy rejects
 * it). Services without a selector, headless ones (clusterIP None) and UDP ports get no
 * listener. Connections in flight end when their pod ends, or when this process stops (unlike
 * kube-proxy's iptables mode, where the kernel carries them): never when the node agent restarts.
 */
import net from 'node:net';
import type * as k8s from '@kubernetes/client-node';
import { messageOf } from '../shared/errors';
import { inRange, type LoopbackRange } from '../shared/loopback-range';
import type { Logger } from '../shared/logger';
import { selectedPods, type ServiceCaches } from '../shared/service-endpoints';

/** One listener's target: a Service port. */
interface PortTarget {
  namespace: string;
  service: string;
  port: k8s.V1ServicePort;
}

interface Listener {
  server: net.Server;
  target: PortTarget;
  listening: boolean;
  next: number;
}

/** The listeners of all Services in range; `sync()` after every Service change (a connection picks its pod). */
export class ServiceProxy {
  private readonly listeners = new Map<string, Listener>();
  private readonly sockets = new Set<net.Socket>();
  private closed = false;

  constructor(
    private readonly input: {
      range: LoopbackRange;
      caches: ServiceCaches & { services: { list(): ReadonlyArray<k8s.V1Service> } };
      log: Logger;
    },
  ) {}

  /** The `ip:port` addresses listened on now. */
  addresses(): string[] {
    return [...this.listeners.entries()].filter(([, l]) => l.listening).map(([key]) => key);
  }

  /** Opens listeners for new Service ports, retargets changed ones, closes those gone. */
  sync(): void {
    if (this.closed) return;
    const wanted = new Map<string, PortTarget>();
    for (const service of this.input.caches.services.list()) {
      const ip = service.spec?.clusterIP;
      if (!inRange(this.input.range, ip) || Object.keys(service.spec?.selector ?? {}).length === 0) continue;
      for (const port of service.spec?.ports ?? []) {
        if ((port.protocol ?? 'TCP') !== 'TCP') continue;
        const target = {
          namespace: service.metadata?.namespace ?? 'default',
          service: service.metadata?.name ?? '',
          port,
        };
        wanted.set(`${ip}:${port.port}`, target);
      }
    }
    for (const [key, listener] of this.listeners) {
      if (!wanted.has(key)) {
        listener.server.close();
        this.listeners.delete(key);
      }
    }
    for (const [key, target] of wanted) {
      const existing = this.listeners.get(key);
      if (existing) existing.target = target;
      else this.open(key, target);
    }
  }

  /** Closes every listener and every forwarded connection. */
  async close(): Promise<void> {
    this.closed = true;
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(
      [...this.listeners.values()].map((l) => new Promise<void>((resolve) => l.server.close(() => resolve()))),
    );
    this.listeners.clear();
  }

  private open(key: string, target: PortTarget): void {
    const [host, port] = key.split(':') as [string, string];
    const listener: Listener = { server: net.createServer(), target, listening: false, next: 0 };
    listener.server.on('connection', (client) => this.forward(listener, client));
    listener.server.on('error', (error) => {
      this.input.log.warn(
        { err: messageOf(error), address: key, service: `${target.namespace}/${target.service}` },
        'Service address cannot be listened on; retrying at the next sync',
      );
      this.listeners.delete(key);
    });
    listener.server.listen({ host, port: Number(port) }, () => {
      listener.listening = true;
    });
    this.listeners.set(key, listener);
  }

  private forward(listener: Listener, client: net.Socket): void {
    const endpoint = this.pickEndpoint(listener);
    if (!endpoint) {
      client.destroy();
      return;
    }
    const upstream = net.connect({ host: endpoint.ip, port: endpoint.port });
    this.sockets.add(client);
    this.sockets.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.once('error', end);
    upstream.once('error', end);
    client.once('close', end);
    upstream.once('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** A ready endpoint of the listener's Service, round robin; undefined when there is none. */
  private pickEndpoint(listener: Listener): { ip: string; port: number } | undefined {
    const { namespace, service: name, port } = listener.target;
    const service = this.input.caches.services.get(name, namespace);
    if (!service) return undefined;
    const pods = selectedPods({ service, pods: this.input.caches.pods.list(namespace) });
    const usable = service.spec?.publishNotReadyAddresses ? pods.live : pods.ready;
    const candidates = usable.flatMap((pod) => {
      const targetPort = resolveTargetPort({ pod, port });
      return targetPort === undefined ? [] : [{ ip: pod.status?.podIP ?? '', port: targetPort }];
    });
    if (candidates.length === 0) return undefined;
    listener.next = (listener.next + 1) % candidates.length;
    return candidates[listener.next];
  }
}

/** The pod port a Service port forwards to: targetPort as a number, or the pod's container port of that name. */
export function resolveTargetPort(input: { pod: k8s.V1Pod; port: k8s.V1ServicePort }): number | undefined {
  const target = input.port.targetPort as number | string | undefined;
  if (target === undefined || target === '') return input.port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const container of input.pod.spec?.containers ?? []) {
    const named = container.ports?.find((p) => p.name === target);
    if (named) return named.containerPort;
  }
  return undefined;
}
