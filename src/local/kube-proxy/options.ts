/** Command-line options of kube-proxy (`main.ts`). */
import { parseArgs } from 'node:util';
import { parseLoopbackRange, type LoopbackRange } from '../shared/loopback-range';
import { parsePort, requiredPath } from '../shared/option-values';

/** Settings of one kube-proxy process. */
export interface ProxyOptions {
  /** Kubeconfig of the local cluster (admin). */
  kubeconfig: string;
  /** Port of `GET /healthz` and `GET /services` on 127.0.0.1. @default 10256 (kube-proxy's own healthz port) */
  healthPort: number;
  /**
   * Service addresses: the API server's `--service-cluster-ip-range`, a /16 inside 127.0.0.0/8. Only a clusterIP
   * in it is listened on: any other address is not this machine's to bind. @default 127.2.0.0/16
   */
  serviceCidr: LoopbackRange;
}

/** Parses `argv` (without node and script); throws OptionError (BAD_OPTION) naming a missing or bad option. */
export function parseProxyOptions(argv: readonly string[]): ProxyOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      kubeconfig: { type: 'string' },
      'health-port': { type: 'string', default: '10256' },
      'service-cidr': { type: 'string', default: '127.2.0.0/16' },
    },
    strict: true,
  });
  return {
    kubeconfig: requiredPath('kubeconfig', values.kubeconfig),
    healthPort: parsePort('health-port', values['health-port'] ?? ''),
    serviceCidr: parseLoopbackRange('service-cidr', values['service-cidr'] ?? ''),
  };
}
