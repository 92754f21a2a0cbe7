/**
 * Rewrites the strings a container gets (Flink config values, args, env values) from the
 * container's view to this node's: paths under volume mounts and `/opt/flink` become local
 * folders, and Service host names become endpoint IPs.
 *
 * Paths: a mount path is replaced where it starts a path (at the start of the value, after
 * `=`, `:`, `,`, whitespace, quotes or a `scheme://`) and ends at `/` or a delimiter. Absolute
 * paths outside every mount are used as they are on the host.
 *
 * Hosts: a name is treated as a host when it follows `scheme://`, is followed by `:<port>`,
 * ends in `.svc`/`.svc.cluster.local`, or is the whole value of an address-like setting.
 * Names that are not Services are left alone.
 */
import { AgentErrorCode, LaunchError } from './errors';
import type { ServiceDirectory } from './service-directory';

/** One path mapping: container path → host folder. */
export interface PathMapping {
  containerPath: string;
  hostPath: string;
}

const HOST =
  /(^|[\s,;=@"'(\[]|:\/\/)([a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*)(?=$|[:/\s,;"')\]])/gi;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Rewrites values for one container. */
export class ValueRewriter {
  private readonly paths: Array<{ pattern: RegExp; hostPath: string }>;

  constructor(
    private readonly input: { mappings: readonly PathMapping[]; services: ServiceDirectory; namespace: string },
  ) {
    this.paths = [...input.mappings]
      .sort((a, b) => b.containerPath.length - a.containerPath.length)
      .map((m) => ({
        pattern: new RegExp(
          `(?<=^|[\\s=:,;"'(\\[]|:\\/\\/)${escapeRegExp(m.containerPath.replace(/\/+$/, ''))}(?=$|[/\\s,;"')\\]])`,
          'g',
        ),
        hostPath: m.hostPath,
      }));
  }

  /** Maps container paths in `value` to host paths. */
  rewritePaths(value: string): string {
    // One pass per mapping, longest first; a replaced part is never matched again because
    // host paths live under the state dir, which is no mount path.
    let out = value;
    for (const { pattern, hostPath } of this.paths) out = out.replace(pattern, hostPath);
    return out;
  }

  /**
   * Resolves Service host names in `value`. `wholeValueIsHost` marks address-like settings.
   * Throws LaunchError SERVICE_NOT_RESOLVABLE when a named Service has no endpoint yet.
   */
  rewriteHosts(value: string, wholeValueIsHost: boolean): string {
    return value.replace(HOST, (match: string, before: string, host: string, offset: number) => {
      const end = offset + match.length;
      const isHost =
        before === '://' ||
        /^:\d/.test(value.slice(end)) ||
        /\.svc(\.cluster\.local)?$/i.test(host) ||
        (wholeValueIsHost && value.trim() === host);
      if (!isHost) return match;
      const found = this.input.services.lookup({ host, podNamespace: this.input.namespace });
      if (found.kind === 'not-a-service') return match;
      if (found.kind === 'no-endpoints') {
        throw new LaunchError({
          code: AgentErrorCode.ServiceNotResolvable,
          reason: 'ContainerCreating',
          message: `waiting for Service ${found.service} (named as "${host}") to have an endpoint`,
          retryable: true,
        });
      }
      return `${before}${found.ip}`;
    });
  }

  /** Paths, then hosts. */
  rewrite(value: string, wholeValueIsHost: boolean): string {
    return this.rewriteHosts(this.rewritePaths(value), wholeValueIsHost);
  }
}

/** True for settings/env names whose whole value is a host name. */
export function isAddressKey(key: string): boolean {
  return /(address|host|hostname|servers?|bind-host)$/i.test(key) || /(_ADDRESS|_HOST)$/.test(key);
}
