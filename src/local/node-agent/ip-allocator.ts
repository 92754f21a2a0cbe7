/**
 * Pod IPs: one loopback address per pod from the node's pod range (`--pod-cidr`, 127.1.0.0/16
 * by default; last octet never 0 or 255), so
 * every pod's Flink binds its fixed ports (6123, 8081, ...) without a clash. Addresses
 * are kept in the pod records of the state store, so an agent restart reuses them.
 */
import { AgentError, AgentErrorCode } from './errors';

/** Hands out and takes back pod IPs. */
export class IpAllocator {
  private readonly byOwner = new Map<string, string>();
  private readonly taken = new Set<string>();

  /** `prefix`: the first two octets of the pod range, e.g. `127.1`. */
  constructor(private readonly prefix: string) {}

  /** Marks `ip` as held by `owner` (a pod uid), e.g. when adopting state after a restart. */
  reserve(owner: string, ip: string): void {
    this.byOwner.set(owner, ip);
    this.taken.add(ip);
  }

  /** The IP of `owner`, allocating the lowest free one if it has none. */
  allocate(owner: string): string {
    const held = this.byOwner.get(owner);
    if (held) return held;
    for (let third = 0; third <= 255; third++) {
      for (let fourth = 1; fourth <= 254; fourth++) {
        const ip = `${this.prefix}.${third}.${fourth}`;
        if (!this.taken.has(ip)) {
          this.reserve(owner, ip);
          return ip;
        }
      }
    }
    throw new AgentError(AgentErrorCode.IpRangeExhausted, `no free pod IP left in ${this.prefix}.0.0/16`);
  }

  /** Gives the IP of `owner` back. */
  release(owner: string): void {
    const ip = this.byOwner.get(owner);
    if (ip === undefined) return;
    this.byOwner.delete(owner);
    this.taken.delete(ip);
  }
}
