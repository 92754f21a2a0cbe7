/**
 * Records a finished workflow run's history for the replay test (binary protobuf, the SDK's own
 * encoding, so no JSON dialect can skew it):
 *   node --import tsx scripts/record-history.ts <workflowId> <runId> <name>
 * writes test/fixtures/histories/<name>.binpb. Address from TEMPORAL_ADDRESS (127.0.0.1:7233).
 * scripts/record-histories.ts records the whole corpus of operations from real runs.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/** Where the replay test reads its histories from. */
export const historiesDir = path.join(__dirname, '..', 'test', 'fixtures', 'histories');

/** The file of the history named `name`. */
export function historyFile(name: string, dir = historiesDir): string {
  return path.join(dir, `${name}.binpb`);
}

/** Fetches the history of one run and writes it as `<dir>/<name>.binpb`; returns its number of events. */
export async function writeHistory(
  client: Client,
  run: { workflowId: string; runId: string },
  name: string,
  dir = historiesDir,
): Promise<number> {
  const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
  writeFileSync(historyFile(name, dir), temporal.api.history.v1.History.encode(history).finish());
  return history.events?.length ?? 0;
}

async function main(): Promise<void> {
  const [workflowId, runId, name] = process.argv.slice(2);
  if (!workflowId || !runId || !name) throw new Error('usage: record-history.ts <workflowId> <runId> <name>');
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  try {
    const events = await writeHistory(new Client({ connection }), { workflowId, runId }, name);
    console.log(`${historyFile(name)}: ${events} events`);
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
