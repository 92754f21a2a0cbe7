/**
 * Readiness of a running container: its readinessProbe (tcpSocket, httpGet or exec) against
 * the pod IP, or — without a probe — a TCP connect to its first declared port. A container
 * with neither is ready once it runs.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import type * as k8s from '@kubernetes/client-node';

/** One check; resolves true when the container answered. */
export type ReadinessCheck = () => Promise<boolean>;

/** Timing of the checks. */
export interface ReadinessTiming {
  initialDelayMs: number;
  periodMs: number;
  successThreshold: number;
  failureThreshold: number;
}

/**
 * How liveness of `container` is checked (its livenessProbe), or undefined when it has none.
 * Also returns the grace period of a kill after failures (the probe's, else undefined).
 */
export function livenessCheck(input: {
  container: k8s.V1Container;
  podIp: string;
  env: Record<string, string>;
}): { check: ReadinessCheck; timing: ReadinessTiming; graceSeconds?: number } | undefined {
  const probe = input.container.livenessProbe;
  if (!probe) return undefined;
  const found = probeCheck({ ...input, probe });
  return found && { ...found, graceSeconds: probe.terminationGracePeriodSeconds };
}

/** How readiness of `container` is checked, or undefined when it is ready as soon as it runs. */
export function readinessCheck(input: {
  container: k8s.V1Container;
  podIp: string;
  env: Record<string, string>;
}): { check: ReadinessCheck; timing: ReadinessTiming } | undefined {
  const { container, podIp } = input;
  const probe = container.readinessProbe;
  if (probe) {
    const found = probeCheck({ ...input, probe });
    if (found) return found;
  }
  const port = container.ports?.[0]?.containerPort;
  if (port === undefined) return undefined;
  return {
    timing: { initialDelayMs: 0, periodMs: 1000, successThreshold: 1, failureThreshold: 3 },
    check: () => tcpAnswers({ host: podIp, port, timeoutMs: 1000 }),
  };
}

/** The check and timing of one probe (tcpSocket, httpGet or exec); undefined for a probe of none of these. */
function probeCheck(input: {
  probe: k8s.V1Probe;
  container: k8s.V1Container;
  podIp: string;
  env: Record<string, string>;
}): { check: ReadinessCheck; timing: ReadinessTiming } | undefined {
  const { container, podIp, probe } = input;
  const portOf = (port: number | string | undefined): number => {
    if (typeof port === 'number') return port;
    const named = container.ports?.find((p) => p.name === port);
    return named?.containerPort ?? Number(port);
  };
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  const timing: ReadinessTiming = {
    initialDelayMs: (probe.initialDelaySeconds ?? 0) * 1000,
    periodMs: (probe.periodSeconds ?? 10) * 1000,
    successThreshold: probe.successThreshold ?? 1,
    failureThreshold: probe.failureThreshold ?? 3,
  };
  if (probe.tcpSocket) {
    const port = portOf(probe.tcpSocket.port as number | string);
    return { timing, check: () => tcpAnswers({ host: podIp, port, timeoutMs }) };
  }
  if (probe.httpGet) {
    const port = portOf(probe.httpGet.port as number | string);
    const pathName = probe.httpGet.path ?? '/';
    return { timing, check: () => httpAnswers({ host: podIp, port, path: pathName, timeoutMs }) };
  }
  if (probe.exec?.command && probe.exec.command.length > 0) {
    const command = probe.exec.command;
    return { timing, check: () => execSucceeds({ command, env: input.env, timeoutMs }) };
  }
  return undefined;
}

/** True when a TCP connection to host:port opens. Only loopback hosts are dialled. */
export function tcpAnswers(input: { host: string; port: number; timeoutMs: number }): Promise<boolean> {
  if (!isLoopback(input.host)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = net.connect({ host: input.host, port: input.port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(input.timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True when GET http://host:port/path answers 200–399. Only loopback hosts are dialled. */
export function httpAnswers(input: { host: string; port: number; path: string; timeoutMs: number }): Promise<boolean> {
  if (!isLoopback(input.host)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const request = http.get(
      { host: input.host, port: input.port, path: input.path, timeout: input.timeoutMs },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        resolve(status >= 200 && status < 400);
      },
    );
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(false));
  });
}

function execSucceeds(input: { command: string[]; env: Record<string, string>; timeoutMs: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const [file, ...args] = input.command as [string, ...string[]];
    const child = spawn(file, args, { env: input.env, stdio: 'ignore', timeout: input.timeoutMs });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

/** True for 127.0.0.0/8. */
export function isLoopback(host: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
