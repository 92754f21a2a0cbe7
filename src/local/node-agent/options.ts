/** Command-line options of the node agent (`main.ts`). */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { OptionError } from '../shared/errors';
import { parseLoopbackRange, type LoopbackRange } from '../shared/loopback-range';
import { parsePort, requiredPath } from '../shared/option-values';

/** Settings of one node-agent process. */
export interface AgentOptions {
  /** Kubeconfig of the local cluster (admin). */
  kubeconfig: string;
  /** Folder for pod state, logs, volumes and pid files; outlives the agent. */
  stateDir: string;
  /** The Flink distribution that `flink:<version>` images map to. */
  flinkHome: string;
  /**
   * pip that installs other Flink versions from PyPI on first use (`flink:1.20` → apache-flink
   * 1.20.x); absent: only images of the `--flink-home` version run.
   */
  pip?: string;
  /** Where other Flink versions are installed. @default <state-dir>/images */
  imageCache?: string;
  /** Folder with the test jobs' jars; `/opt/flink/usrlib` and `local://` jars map here. */
  jobsDir: string;
  /**
   * Installs of the worker image, `<dir>/flink-deploy-worker/<tag>` (image.ts).
   * @default `images` beside the state dir (.stack/images)
   */
  imagesDir: string;
  /** Port of `GET /healthz` on 127.0.0.1. @default 10250 */
  healthPort: number;
  /** Name of the Node this agent registers. @default local-node */
  nodeName: string;
  /** HTTPS port of the kubelet API (`/containerLogs`); undefined: not served. */
  kubeletPort?: number;
  /** TLS files of the kubelet API: serving certificate and key, and the CA its clients must be signed by. */
  kubeletTls?: { cert: string; key: string; clientCa: string };
  /** Pod IPs: a /16 inside 127.0.0.0/8. @default 127.1.0.0/16 */
  podCidr: LoopbackRange;
  /**
   * Service addresses: a /16 inside 127.0.0.0/8, distinct from the pod range; the API server's
   * `--service-cluster-ip-range`, so a Service's clusterIP is where kube-proxy (src/local/kube-proxy)
   * listens; a pod is given that address for the Service's name.
   * @default 127.2.0.0/16
   */
  serviceCidr: LoopbackRange;
}

/** Parses `argv` (without node and script); throws OptionError (BAD_OPTION) naming a missing or bad option. */
export function parseAgentOptions(argv: readonly string[]): AgentOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      kubeconfig: { type: 'string' },
      'state-dir': { type: 'string' },
      'flink-home': { type: 'string' },
      'jobs-dir': { type: 'string' },
      'images-dir': { type: 'string' },
      'health-port': { type: 'string', default: '10250' },
      'node-name': { type: 'string', default: 'local-node' },
      'pod-cidr': { type: 'string', default: '127.1.0.0/16' },
      'kubelet-port': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'client-ca': { type: 'string' },
      'service-cidr': { type: 'string', default: '127.2.0.0/16' },
      pip: { type: 'string' },
      'image-cache': { type: 'string' },
    },
    strict: true,
  });
  const healthPort = parsePort('health-port', values['health-port'] ?? '');
  const kubeletPort =
    values['kubelet-port'] === undefined ? undefined : parsePort('kubelet-port', values['kubelet-port']);
  if (kubeletPort !== undefined && kubeletPort === healthPort) {
    throw new OptionError(`--kubelet-port and --health-port must differ (both ${healthPort})`);
  }
  const kubeletTls =
    kubeletPort === undefined
      ? undefined
      : {
          cert: requiredPath('tls-cert', values['tls-cert']),
          key: requiredPath('tls-key', values['tls-key']),
          clientCa: requiredPath('client-ca', values['client-ca']),
        };
  const podCidr = parseLoopbackRange('pod-cidr', values['pod-cidr'] ?? '');
  const serviceCidr = parseLoopbackRange('service-cidr', values['service-cidr'] ?? '');
  if (podCidr.prefix === serviceCidr.prefix) {
    throw new OptionError(
      `--pod-cidr and --service-cidr must differ (both are ${podCidr.cidr}); choose two /16s inside 127.0.0.0/8`,
    );
  }
  const stateDir = requiredPath('state-dir', values['state-dir']);
  return {
    kubeconfig: requiredPath('kubeconfig', values.kubeconfig),
    stateDir,
    imagesDir: path.resolve(values['images-dir'] ?? path.join(stateDir, '..', 'images')),
    flinkHome: requiredPath('flink-home', values['flink-home']),
    jobsDir: requiredPath('jobs-dir', values['jobs-dir']),
    healthPort,
    ...(kubeletPort !== undefined && kubeletTls ? { kubeletPort, kubeletTls } : {}),
    nodeName: values['node-name'] ?? 'local-node',
    podCidr,
    serviceCidr,
    ...(values.pip ? { pip: path.resolve(values.pip) } : {}),
    ...(values['image-cache'] ? { imageCache: path.resolve(values['image-cache']) } : {}),
  };
}

/**
 * The state folder as the kernel names it (created if missing, symlinks resolved). A JVM's working directory is
 * always the real path, and Flink writes a job's usrlib jars relative to it (the paths HA recovers the job with):
 * through a symlinked state folder they would run through the old pod's folder, which a recovered JobManager in
 * a new pod no longer finds. A kubelet's pods all see /opt/flink/usrlib; here each pod's relative path is alike.
 */
export function realStateDir(stateDir: string): string {
  fs.mkdirSync(stateDir, { recursive: true });
  return fs.realpathSync(stateDir);
}
