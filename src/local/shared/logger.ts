/**
 * The structured log of a local stand-in (pino, JSON lines on stdout; up.sh sends each process's to
 * .stack/logs/<name>.log). Its level: FD_NODE_AGENT_LOG_LEVEL for the node agent, FD_KUBE_PROXY_LOG_LEVEL for
 * kube-proxy; info by default.
 */
import { pino } from 'pino';

export type Logger = pino.Logger;

/** Creates the root logger of the process `name`. */
export function createLogger(name: 'node-agent' | 'kube-proxy'): Logger {
  const levelVariable = `FD_${name.toUpperCase().replace('-', '_')}_LOG_LEVEL`;
  return pino({ name, level: process.env[levelVariable] ?? 'info' });
}
