/**
 * Records a finished workflow run's history for the replay test (binary protobuf, the SDK's own
 * encoding, so no JSON dialect can skew it):
 *   node --import tsx scripts/record-history.ts <workflowId> <runId> <name>
 * writes test/fixtures/histories/<name>.binpb. Address from TEMPORAL_ADDRESS (127.0.0.1:7233).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

async function main(): Promise<void> {
  const [workflowId, runId, name] = process.argv.slice(2);
  if (!workflowId || !runId || !name) throw new Error('usage: record-history.ts <workflowId> <runId> <name>');
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  try {
    const history = await new Client({ connection }).workflow.getHandle(workflowId, runId).fetchHistory();
    const file = path.join(__dirname, '..', 'test', 'fixtures', 'histories', `${name}.binpb`);
    writeFileSync(file, temporal.api.history.v1.History.encode(history).finish());
    console.log(`${file}: ${history.events?.length ?? 0} events`);
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
