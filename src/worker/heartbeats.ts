/**
 * How often a running activity's heartbeats reach Temporal, for the product's worker and the tests' workers alike.
 * The SDK sends them at most every 0.8 × the heartbeat timeout (16 s of our 20 s, src/workflows/activity-profiles.ts):
 * 4 s of slack, which a worker on a loaded machine can miss (an event loop late by seconds, a slow gRPC call), and
 * Temporal then times out an attempt that was still working and starts it again (idempotent, but a wait starts its
 * bound over and a slow write is sent again: seen in test/integration/workflows/slow-kube.test.ts at a load of 16 on
 * 2 cores). Every 8 s leaves 12 s. The activities beat more often than that (keep-alive.ts: 5 s); only what reaches
 * the server is throttled.
 */
export const HEARTBEAT_THROTTLE = '8 seconds';
