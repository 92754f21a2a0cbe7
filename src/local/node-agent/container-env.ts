/** A container's environment: `env` (value, fieldRef, configMapKeyRef, secretKeyRef) and `envFrom`. */
import type * as k8s from '@kubernetes/client-node';
import { AgentErrorCode, LaunchError } from './errors';
import { ignoreNotFound, type KubeClients } from './kube-clients';
import { fieldValue } from './volumes';

/** Resolves the env of `container` in `pod`, in Kubernetes order (envFrom, then env, later wins). */
export async function resolveContainerEnv(input: {
  pod: k8s.V1Pod;
  container: k8s.V1Container;
  podIp: string;
  clients: KubeClients;
}): Promise<Map<string, string>> {
  const { container, clients } = input;
  const namespace = input.pod.metadata?.namespace ?? 'default';
  const pod: k8s.V1Pod = { ...input.pod, status: { ...input.pod.status, podIP: input.podIp, hostIP: '127.0.0.1' } };
  const env = new Map<string, string>();
  const configMap = async (name: string, optional: boolean) => {
    const found = await ignoreNotFound(clients.core.readNamespacedConfigMap({ name, namespace }));
    if (!found && !optional) throw configError(`configmap "${name}" not found`);
    return found?.data ?? {};
  };
  const secret = async (name: string, optional: boolean) => {
    const found = await ignoreNotFound(clients.core.readNamespacedSecret({ name, namespace }));
    if (!found && !optional) throw configError(`secret "${name}" not found`);
    return Object.fromEntries(
      Object.entries(found?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
  };
  for (const from of container.envFrom ?? []) {
    const data = from.configMapRef
      ? await configMap(from.configMapRef.name ?? '', from.configMapRef.optional ?? false)
      : from.secretRef
        ? await secret(from.secretRef.name ?? '', from.secretRef.optional ?? false)
        : {};
    for (const [key, value] of Object.entries(data)) env.set(`${from.prefix ?? ''}${key}`, value);
  }
  for (const variable of container.env ?? []) {
    const source = variable.valueFrom;
    let value: string | undefined = variable.value !== undefined ? expand(variable.value, env) : undefined;
    if (source?.fieldRef) value = fieldValue(pod, source.fieldRef.fieldPath);
    else if (source?.configMapKeyRef) {
      const ref = source.configMapKeyRef;
      value = (await configMap(ref.name ?? '', ref.optional ?? false))[ref.key];
      if (value === undefined && !ref.optional)
        throw configError(`couldn't find key ${ref.key} in ConfigMap ${namespace}/${ref.name}`);
    } else if (source?.secretKeyRef) {
      const ref = source.secretKeyRef;
      value = (await secret(ref.name ?? '', ref.optional ?? false))[ref.key];
      if (value === undefined && !ref.optional)
        throw configError(`couldn't find key ${ref.key} in Secret ${namespace}/${ref.name}`);
    }
    env.set(variable.name, value ?? '');
  }
  return env;
}

/** `$(VAR)` expansion of earlier variables, as Kubernetes does. */
function expand(value: string, env: Map<string, string>): string {
  return value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env.get(name) ?? whole);
}

function configError(message: string): LaunchError {
  return new LaunchError({
    code: AgentErrorCode.InvalidContainerConfig,
    reason: 'CreateContainerConfigError',
    message,
    retryable: true,
  });
}
