/** The agent's structured log (pino, JSON lines on stdout; up.sh sends it to .stack/logs/node-agent.log). */
import { pino } from 'pino';

export type Logger = pino.Logger;

/** Creates the agent's root logger. */
export function createLogger(): Logger {
  return pino({ name: 'node-agent', level: process.env.FD_NODE_AGENT_LOG_LEVEL ?? 'info' });
}
