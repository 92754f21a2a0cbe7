/**
 * The CLI's first connection to Temporal keeps to docs/cli.md: tried 5 times over about 8 s when it is refused
 * (each attempt over as soon as the connection fails, with gRPC's reason), and never longer than its 30 s budget
 * when the address does not answer (each attempt given the time left). Against local stand-ins: a closed port,
 * a server that accepts and says nothing, an HTTP/2 server that answers every call UNIMPLEMENTED (as an old
 * Temporal answers the SDK's first call).
 */
import http2 from 'node:http2';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { runCli } from '../../../src/cli/main';
import { connectOnce } from '../../../src/cli/temporal-connect';
import { memoryIo } from './memory-io';

async function listening<T extends net.Server>(server: T): Promise<{ server: T; address: string }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, address: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

test("a refused connection: one attempt fails at once, naming gRPC's reason", async () => {
  const started = Date.now();
  await expect(connectOnce({ address: '127.0.0.1:1' }, 10_000)).rejects.toThrow('connect ECONNREFUSED 127.0.0.1:1');
  // Well before the attempt's 10 s deadline (a bound loose enough for a loaded machine).
  expect(Date.now() - started).toBeLessThan(8_000);
});

test('a server that accepts and never answers: the attempt ends when its time is up, not later', async () => {
  const sockets: net.Socket[] = [];
  const { server, address } = await listening(net.createServer((socket) => sockets.push(socket)));
  try {
    const started = Date.now();
    await expect(connectOnce({ address }, 1_500)).rejects.toThrow('Failed to connect before the deadline');
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(1_400);
    expect(took).toBeLessThan(5_000);
  } finally {
    for (const socket of sockets) socket.destroy();
    server.close();
  }
});

test('a server that answers: connected', async () => {
  const h2 = http2.createServer();
  h2.on('stream', (stream) =>
    stream.respond(
      { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12', 'grpc-message': 'unimplemented' },
      { endStream: true },
    ),
  );
  const { server, address } = await listening(h2);
  try {
    const connection = await connectOnce({ address }, 5_000);
    await connection.close();
  } finally {
    server.close();
  }
});

test('Temporal refusing: 5 attempts over about 8 s, then exit 1 with the reason (was 3 over 32 s)', async () => {
  const io = memoryIo({ TEMPORAL_ADDRESS: '127.0.0.1:1' });
  const started = Date.now();
  expect(await runCli(['cancel', 'basic-example'], io)).toBe(1);
  const took = Date.now() - started;
  expect(io.err()).toContain(
    'cannot reach Temporal at 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1 (5 attempt(s) over 8s)',
  );
  expect(took).toBeGreaterThanOrEqual(7_000);
  // Within the 30 s budget, not at it (about 8 s of backoff; loose for a loaded machine).
  expect(took).toBeLessThan(20_000);
});
