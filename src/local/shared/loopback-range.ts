/**
 * The /16s of 127.0.0.0/8 the local stack gives pods (`--pod-cidr`) and Services (`--service-cidr`, the API
 * server's `--service-cluster-ip-range`): every address in them is local, so a pod's process and kube-proxy's
 * listeners bind them without any network set-up.
 */
import { OptionError } from './errors';

/** A /16 of the loopback range, e.g. 127.1.0.0/16 (prefix `127.1`). */
export interface LoopbackRange {
  cidr: string;
  /** The first two octets, e.g. `127.1`. */
  prefix: string;
}

/** Parses a loopback /16 (`127.X.0.0/16`); throws OptionError naming the option otherwise. */
export function parseLoopbackRange(option: string, value: string): LoopbackRange {
  const match = /^127\.(\d{1,3})\.0\.0\/16$/.exec(value);
  const second = match ? Number(match[1]) : Number.NaN;
  if (!match || second < 1 || second > 255) {
    throw new OptionError(
      `--${option} must be a /16 inside 127.0.0.0/8 other than 127.0.0.0/16, such as 127.1.0.0/16; got ${value}`,
    );
  }
  return { cidr: value, prefix: `127.${second}` };
}

/** True when `ip` is inside `range`. */
export function inRange(range: LoopbackRange, ip: string | undefined): boolean {
  return ip !== undefined && ip.startsWith(`${range.prefix}.`) && /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip);
}
