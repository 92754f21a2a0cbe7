/** The worker's health endpoint: ready only while the SDK worker polls, live unless it failed. */
import { probeAnswer, startHealthEndpoint, type HealthState } from '../../../src/worker/health';

test('/readyz is 200 only in RUNNING; /livez is 200 unless FAILED', () => {
  const states: HealthState[] = ['STARTING', 'INITIALIZED', 'RUNNING', 'STOPPING', 'DRAINING', 'DRAINED', 'STOPPED'];
  for (const state of states) {
    expect(probeAnswer('/readyz', state)).toEqual({ status: state === 'RUNNING' ? 200 : 503, body: { state } });
    expect(probeAnswer('/livez', state).status).toBe(200);
  }
  expect(probeAnswer('/readyz', 'FAILED').status).toBe(503);
  expect(probeAnswer('/livez?verbose', 'FAILED')).toEqual({ status: 503, body: { state: 'FAILED' } });
  expect(probeAnswer('/metrics', 'RUNNING')).toEqual({
    status: 404,
    body: { error: 'no such path /metrics: GET /readyz or /livez' },
  });
});

test('the endpoint answers from the state at each request, and a busy address is refused by name', async () => {
  let state: HealthState = 'STARTING';
  const health = await startHealthEndpoint('127.0.0.1:0', () => state);
  try {
    const get = async (path: string) => {
      const res = await fetch(`http://${health.address}${path}`);
      return { status: res.status, body: (await res.json()) as unknown };
    };
    expect(await get('/readyz')).toEqual({ status: 503, body: { state: 'STARTING' } });
    expect(await get('/livez')).toEqual({ status: 200, body: { state: 'STARTING' } });
    state = 'RUNNING';
    expect(await get('/readyz')).toEqual({ status: 200, body: { state: 'RUNNING' } });
    state = 'DRAINING';
    expect(await get('/readyz')).toEqual({ status: 503, body: { state: 'DRAINING' } });
    await expect(startHealthEndpoint(health.address, () => state)).rejects.toThrow(
      `could not serve health on ${health.address}: listen EADDRINUSE`,
    );
  } finally {
    await health.close();
  }
});
