/**
 * A failure to read from Kubernetes as every command that reads the cluster reports it (docs/cli.md): a kubeconfig
 * that cannot be used (none found, unparsable, a `--context` it lacks) is invalid input, exit 2; the API server
 * not answering or refusing is exit 1.
 */
import { KubeErrorCode } from '../k8s/errors/codes';
import { CliError, CliErrorCode } from './errors';

/** The hint of a failed read: where the kubeconfig comes from, and the API server. */
export const kubeReadHint =
  'Check --kubeconfig / --context (KUBECONFIG, FLINK_DEPLOY_KUBECONFIG) and that the API server is reachable.';

/** `cannot read <what> from Kubernetes: …`, exit 2 for a kubeconfig that cannot be used, else exit 1. */
export function kubeReadError(what: string, err: unknown, hint = kubeReadHint): CliError {
  return new CliError({
    code:
      (err as { code?: string } | null)?.code === KubeErrorCode.ConfigInvalid
        ? CliErrorCode.InvalidSetting
        : CliErrorCode.KubernetesUnavailable,
    message: `cannot read ${what} from Kubernetes: ${(err as Error).message}`,
    hint,
    cause: err,
  });
}
