/**
 * kube-proxy of the local stack: watches Services and pods and keeps the Service listeners (service-proxy.ts) in
 * step with them. Its own process beside the node agent, as kube-proxy runs beside the kubelet: a restart of the
 * node agent (a kubelet restart) leaves every connection through a Service open.
 */
import * as k8s from '@kubernetes/client-node';
import { messageOf } from '../shared/errors';
import { watchCluster, type ClusterWatch } from '../shared/informers';
import type { Logger } from '../shared/logger';
import type { ProxyOptions } from './options';
import { ServiceProxy } from './service-proxy';

/**
 * How often the listeners are synced without a Service event: a listener that could not be opened (its address
 * still held by another process, e.g. a node agent of before this process existed) is tried again.
 */
const RESYNC_INTERVAL_MS = 5000;

/** One running kube-proxy. */
export class KubeProxy {
  private watch: ClusterWatch | undefined;
  private proxy: ServiceProxy | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(
    private readonly options: ProxyOptions,
    private readonly log: Logger,
  ) {}

  /** True once the watches have listed and the listeners follow them. */
  get healthy(): boolean {
    return this.proxy !== undefined && !this.stopping;
  }

  /** The `ip:port` addresses listened on, for `GET /services`. */
  addresses(): string[] {
    return this.proxy?.addresses() ?? [];
  }

  /** Starts the watches, then opens a listener per Service port and follows Service changes. */
  async start(): Promise<void> {
    const config = new k8s.KubeConfig();
    config.loadFromFile(this.options.kubeconfig);
    const watch = await watchCluster({ config, log: this.log });
    this.watch = watch;
    const proxy = new ServiceProxy({ range: this.options.serviceCidr, caches: watch, log: this.log });
    for (const event of ['add', 'update', 'delete'] as const) watch.services.on(event, () => proxy.sync());
    proxy.sync();
    this.timer = setInterval(() => {
      try {
        proxy.sync();
      } catch (error) {
        this.log.warn({ err: messageOf(error) }, 'sync failed');
      }
    }, RESYNC_INTERVAL_MS);
    this.proxy = proxy;
    this.log.info({ serviceCidr: this.options.serviceCidr.cidr }, 'kube-proxy is up');
  }

  /** Stops the watches and closes every listener and every forwarded connection. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.watch?.stop();
    await this.proxy?.close();
    this.log.info('kube-proxy stopped');
  }
}
