/**
 * Where the local stack (scripts/stack/up.sh) puts things. Tests read every address and path
 * from here, so one override (FD_STACK_DIR, FD_* ports) moves them all.
 */
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

export const stackDir = process.env.FD_STACK_DIR ?? path.join(root, '.stack');

export const stack = {
  root,
  dir: stackDir,
  kubeconfig: path.join(stackDir, 'kubeconfig'),
  temporalAddress: `127.0.0.1:${process.env.FD_TEMPORAL_PORT ?? '7233'}`,
  temporalUiUrl: `http://127.0.0.1:${process.env.FD_TEMPORAL_UI_PORT ?? '8233'}`,
  temporalCli: path.join(stackDir, 'venv', 'bin', 'temporal'),
  /** The helm CLI (scripts/stack/build-helm.sh); FD_HELM points at another build of it. */
  helm: process.env.FD_HELM ?? path.join(stackDir, 'bin', 'helm'),
  temporalTestServer: path.join(stackDir, 'venv', 'bin', 'temporal-test-server'),
  flinkHome: path.join(stackDir, 'venv', 'lib', 'python3.11', 'site-packages', 'pyflink'),
  flinkVersion: '2.3.0',
  /** Built test jobs (scripts/stack/build-jobs.sh): counter-job.jar, StateMachineExample.jar. */
  jobsDir: path.join(stackDir, 'jobs'),
  logsDir: path.join(stackDir, 'logs'),
  /** The node agent's health endpoint (`/healthz`, `/pods`; FD_NODE_AGENT_PORT in scripts/stack/env.sh). */
  nodeAgentUrl: `http://127.0.0.1:${process.env.FD_NODE_AGENT_PORT ?? '10250'}`,
  /** kube-proxy's health endpoint (`/healthz`, `/services`; FD_KUBE_PROXY_PORT). */
  kubeProxyUrl: `http://127.0.0.1:${process.env.FD_KUBE_PROXY_PORT ?? '10256'}`,
  /** The node agent's pod and Service address ranges (FD_POD_CIDR, FD_SERVICE_CIDR in scripts/stack/env.sh). */
  podCidr: process.env.FD_POD_CIDR ?? '127.1.0.0/16',
  serviceCidr: process.env.FD_SERVICE_CIDR ?? '127.2.0.0/16',
} as const;
