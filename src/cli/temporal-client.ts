/** Connects the CLI to Temporal with the loaded settings; unreachable → a clear error. */
import type { Client, Connection } from '@temporalio/client';
import type { Settings } from '../config/settings';
import { connectWithRetry, ConnectFailed } from './connect-retry';
import { CliError, CliErrorCode } from './errors';
import { codecModule, temporalClient, temporalConnection } from './lazy-modules';

/** A connected client and how to close it. */
export interface TemporalSession {
  client: Client;
  connection: Connection;
  settings: Settings;
}

/** Connects, runs `fn`, and closes the connection whatever happens. */
export async function withTemporal<T>(settings: Settings, fn: (session: TemporalSession) => Promise<T>): Promise<T> {
  const config = temporalConnection().temporalConnectConfig(settings);
  const { Client, Connection } = temporalClient();
  let connection: Connection;
  try {
    // Retried a few seconds (bounded): a Temporal server restarting is waited out, not reported at once.
    connection = await connectWithRetry(() =>
      Connection.connect({ ...config.connectionOptions, connectTimeout: '10s' } as Parameters<
        typeof Connection.connect
      >[0]),
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
  } finally {
    await connection.close();
  }
}
