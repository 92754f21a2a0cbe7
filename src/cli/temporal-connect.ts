/**
 * One attempt at the CLI's first connection to Temporal, bounded by the time it is given, and over at once when
 * the connection fails at once (refused, a name that does not resolve, a TLS handshake that fails): gRPC's own
 * wait for a ready channel goes on reconnecting until its deadline, so that each attempt took its whole 10 s and
 * the CLI gave up after 3 attempts and 32 s. Loaded only when a command connects (src/cli/lazy-modules.ts): it
 * loads the Temporal SDK.
 */
import { Connection, type ConnectionOptions } from '@temporalio/client';

/** The longest one attempt waits for a server that does not answer. */
export const attemptTimeoutMs = 10_000;

/** gRPC's channel states (`@grpc/grpc-js` ConnectivityState, which the Temporal SDK does not export). */
const ChannelState = { Ready: 2, TransientFailure: 3, Shutdown: 4 } as const;

/** How a channel's connecting ended. */
type ChannelOutcome = 'ready' | 'failed' | 'timed-out';

/** A Connection that connects its channel itself: it can tell at once when that failed, and why. */
class WatchedConnection extends Connection {
  /**
   * Starts connecting the channel and resolves when it is ready, when it failed, or at `deadline`. (Not gRPC's
   * waitForReady, which waits through failures; and whose wait, pending when the channel is closed, can keep
   * the process alive until its deadline.)
   */
  connectChannel(deadline: number): Promise<ChannelOutcome> {
    const channel = this.client.getChannel();
    return new Promise((resolve) => {
      const look = (state: number): void => {
        if (state === ChannelState.Ready) return resolve('ready');
        if (state === ChannelState.TransientFailure) return resolve('failed');
        if (state === ChannelState.Shutdown || Date.now() >= deadline) return resolve('timed-out');
        channel.watchConnectivityState(state, deadline, () => look(channel.getConnectivityState(false)));
      };
      look(channel.getConnectivityState(true));
    });
  }

  /**
   * Why the channel failed, in gRPC's words: a call fails at once on a failed channel and says it (made on the
   * channel itself: the SDK's calls retry UNAVAILABLE for seconds).
   */
  whyFailed(): Promise<string> {
    return new Promise((resolve) => {
      this.client.makeUnaryRequest(
        '/grpc.health.v1.Health/Check',
        (value: Buffer) => value,
        (bytes: Buffer) => bytes,
        Buffer.alloc(0),
        { deadline: Date.now() + 1_000 },
        (err) =>
          resolve(
            (err?.details ?? 'the connection failed')
              .replace(/^No connection established\. Last error: (Error: )?/, '')
              .replace(/\.? Resolution note: *$/, ''),
          ),
      );
    });
  }
}

/** Runs `fn`, rejecting if it has not settled by `deadline`. */
async function before<T>(deadline: number, fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const passed = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('Failed to connect before the deadline')), deadline - Date.now());
  });
  try {
    return await Promise.race([fn(), passed]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Connects once, in at most `timeLeftMs` (and `attemptTimeoutMs`): the channel, then the SDK's check that a
 * Temporal server answers. Throws why it could not, the connection closed.
 */
export async function connectOnce(options: ConnectionOptions, timeLeftMs: number): Promise<Connection> {
  const timeoutMs = Math.max(1, Math.min(attemptTimeoutMs, timeLeftMs));
  const deadline = Date.now() + timeoutMs;
  const connection = WatchedConnection.lazy({
    ...options,
    // A channel of its own: a pooled one would be the last attempt's, still failed (a retry would not connect).
    channelArgs: { ...options.channelArgs, 'grpc.use_local_subchannel_pool': 1 },
    connectTimeout: timeoutMs,
  }) as WatchedConnection;
  try {
    const outcome = await connection.connectChannel(deadline);
    if (outcome === 'failed') throw new Error(await connection.whyFailed());
    if (outcome === 'timed-out') throw new Error('Failed to connect before the deadline');
    // The channel is up: the SDK's check that a Temporal server answers, in the time left.
    await before(deadline, () => connection.ensureConnected());
    return connection;
  } catch (err) {
    await connection.close();
    throw err;
  }
}
