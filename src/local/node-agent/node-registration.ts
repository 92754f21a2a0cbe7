/**
 * The Node object of this machine: created (or refreshed) at start, and its Ready condition
 * heartbeat kept fresh so the node-lifecycle controller never marks it unreachable.
 */
import os from 'node:os';
import type * as k8s from '@kubernetes/client-node';
import { ignoreNotFound, strategicMergePatch, type KubeClients } from './kube-clients';

/** How often the Node status heartbeat is written. */
export const NODE_STATUS_INTERVAL_MS = 10_000;

/** The loopback address the Node reports as its InternalIP and every pod's hostIP. */
export const NODE_IP = '127.0.0.1';

/** Flink version the node runs, shown in nodeInfo. */
export interface NodeIdentity {
  nodeName: string;
  flinkVersion: string;
  /** HTTPS port of the kubelet API, where the API server fetches logs. */
  kubeletPort?: number;
}

function capacity(): Record<string, string> {
  return {
    cpu: String(os.cpus().length),
    memory: `${Math.floor(os.totalmem() / 1024)}Ki`,
    pods: '110',
    'ephemeral-storage': '100Gi',
  };
}

/** The status a healthy node reports now. */
export function nodeStatus(identity: NodeIdentity): k8s.V1NodeStatus {
  const now = new Date();
  const condition = (type: string, status: string, reason: string, message: string): k8s.V1NodeCondition => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
  });
  return {
    capacity: capacity(),
    allocatable: capacity(),
    ...(identity.kubeletPort ? { daemonEndpoints: { kubeletEndpoint: { Port: identity.kubeletPort } } } : {}),
    addresses: [
      { type: 'InternalIP', address: NODE_IP },
      { type: 'Hostname', address: identity.nodeName },
    ],
    conditions: [
      condition('Ready', 'True', 'KubeletReady', 'flink-deploy node agent is posting ready status'),
      condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'node agent has sufficient memory available'),
      condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'node agent has no disk pressure'),
      condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'node agent has sufficient PID available'),
    ],
    nodeInfo: {
      machineID: os.hostname(),
      systemUUID: os.hostname(),
      bootID: String(Math.floor(Date.now() / 1000 - os.uptime())),
      kernelVersion: os.release(),
      osImage: `${os.type()} (flink-deploy local node, Flink ${identity.flinkVersion})`,
      containerRuntimeVersion: 'local-process://1',
      kubeletVersion: 'v1.33.0-flink-deploy',
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: os.arch() === 'x64' ? 'amd64' : os.arch(),
    },
  };
}

/**
 * Creates the Node if it is missing (keeping it if it exists: pods stay bound) and writes a
 * fresh Ready status. The Ready condition keeps its lastTransitionTime while it stays True.
 */
export async function registerNode(clients: KubeClients, identity: NodeIdentity): Promise<void> {
  const existing = await ignoreNotFound(clients.core.readNode({ name: identity.nodeName }));
  if (!existing) {
    await clients.core.createNode({
      body: {
        metadata: {
          name: identity.nodeName,
          labels: {
            'kubernetes.io/hostname': identity.nodeName,
            'kubernetes.io/os': 'linux',
            'kubernetes.io/arch': os.arch() === 'x64' ? 'amd64' : os.arch(),
            'node.kubernetes.io/instance-type': 'local-process',
          },
        },
        spec: {},
      },
    });
  }
  await writeNodeStatus(clients, identity);
}

/** Writes the heartbeat (Ready and the other conditions) into the Node's status. */
export async function writeNodeStatus(clients: KubeClients, identity: NodeIdentity): Promise<void> {
  const current = await clients.core.readNodeStatus({ name: identity.nodeName });
  const status = nodeStatus(identity);
  for (const condition of status.conditions ?? []) {
    const before = current.status?.conditions?.find((c) => c.type === condition.type);
    if (before?.status === condition.status && before.lastTransitionTime)
      condition.lastTransitionTime = before.lastTransitionTime;
  }
  await clients.core.patchNodeStatus({ name: identity.nodeName, body: { status } }, strategicMergePatch);
}
