/** Connects the CLI to Temporal with the loaded settings; unreachable → a clear error. */
import type { Client, Connection, WorkflowExecutionDescription, WorkflowHandle } from '@temporalio/client';
import type { Settings } from '../config/settings';
import { connectWithRetry, ConnectFailed } from '../config/connect-retry';
import { CliError, CliErrorCode } from './errors';
import { causeChain } from '../contract/errors';
import { codecModule, temporalClient, temporalCommon, temporalConnect, temporalConnection } from './lazy-modules';

/** A connected client and how to close it. */
export interface TemporalSession {
  client: Client;
  connection: Connection;
  settings: Settings;
}

/** Connects, runs `fn`, and closes the connection whatever happens. */
export async function withTemporal<T>(settings: Settings, fn: (session: TemporalSession) => Promise<T>): Promise<T> {
  const config = temporalConnection().temporalConnectConfig(settings);
  const { Client } = temporalClient();
  const { connectOnce } = temporalConnect();
  let connection: Connection;
  try {
    // Retried a few seconds (bounded): a Temporal server restarting is waited out, not reported at once. Each
    // attempt keeps to the time left: the whole never takes longer than the budget (30 s).
    connection = await connectWithRetry((timeLeftMs) =>
      connectOnce(config.connectionOptions as Parameters<typeof connectOnce>[0], timeLeftMs),
    );
  } catch (err) {
    throw new CliError({
      code: CliErrorCode.TemporalUnavailable,
      message: `cannot reach Temporal at ${settings.temporalAddress}: ${(err as Error).message}`,
      hint: 'Check --address / TEMPORAL_ADDRESS (and TLS / API key settings), and that the Temporal server is up.',
      cause: err instanceof ConnectFailed ? err.last : err,
    });
  }
  try {
    const client = new Client({
      connection,
      namespace: config.namespace,
      dataConverter: codecModule().dataConverterOf(settings.payloadKeys),
    });
    return await fn({ client, connection, settings });
  } catch (err) {
    throw namespaceNotFound(err, settings) ?? err;
  } finally {
    await connection.close();
  }
}

/**
 * The workflow's description, or undefined when Temporal has no such workflow. Anything else (Temporal away, a
 * namespace it does not know) is thrown: read as "no operation", `cancel` said "nothing to cancel" and exit 0
 * while Temporal was down.
 */
export async function describeIfAny(handle: WorkflowHandle): Promise<WorkflowExecutionDescription | undefined> {
  try {
    return await handle.describe();
  } catch (err) {
    if (err instanceof temporalCommon().WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** A Temporal namespace the server does not know: a setting to fix (exit 2); nothing was started. */
function namespaceNotFound(err: unknown, settings: Settings): CliError | undefined {
  const { NamespaceNotFoundError } = temporalCommon();
  const found = causeChain(err).some(
    (e) =>
      e instanceof NamespaceNotFoundError ||
      (/^namespace not found/i.test((e as Error | undefined)?.message ?? '') &&
        (e as { code?: unknown }).code === 5) /* gRPC NOT_FOUND */,
  );
  if (!found) return undefined;
  return new CliError({
    code: CliErrorCode.InvalidSetting,
    message: `the Temporal namespace "${settings.temporalNamespace}" does not exist at ${settings.temporalAddress}`,
    hint:
      'Check --temporal-namespace / TEMPORAL_NAMESPACE (the Kubernetes namespace is -n), or create it: ' +
      `temporal operator namespace create --namespace ${settings.temporalNamespace}`,
    cause: err,
  });
}
