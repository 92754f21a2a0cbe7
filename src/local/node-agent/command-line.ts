/**
 * How Kubernetes puts a container's `command` and `args` over its image's ENTRYPOINT and CMD: the one rule every
 * image the node agent runs follows (the worker image, busybox).
 */
import type * as k8s from '@kubernetes/client-node';

/** A container's command line over its image's ENTRYPOINT and CMD, as Kubernetes applies them. */
export function commandLineOverImage(input: {
  container: k8s.V1Container;
  entrypoint: readonly string[];
  cmd: readonly string[];
}): string[] {
  const { container } = input;
  // `command` replaces ENTRYPOINT (and drops CMD); `args` replace CMD.
  if (container.command && container.command.length > 0) return [...container.command, ...(container.args ?? [])];
  return [...input.entrypoint, ...(container.args && container.args.length > 0 ? container.args : input.cmd)];
}
