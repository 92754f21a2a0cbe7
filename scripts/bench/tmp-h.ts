import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
const E = temporal.api.enums.v1.EventType;
(async () => {
  const connection = await Connection.connect({ address: '127.0.0.1:7233' });
  const client = new Client({ connection });
  const h = await client.workflow.getHandle(process.argv[2]!).fetchHistory();
  for (const e of h.events ?? []) {
    const t = new Date(Number(e.eventTime?.seconds) * 1000).toISOString().slice(11, 19);
    const name = E[Number(e.eventType)]?.replace('EVENT_TYPE_', '');
    if (/WORKFLOW_TASK/.test(name ?? '')) continue;
    const extra = e.activityTaskScheduledEventAttributes?.activityType?.name ?? e.activityTaskFailedEventAttributes?.failure?.message ?? e.activityTaskTimedOutEventAttributes?.failure?.message ?? e.activityTaskStartedEventAttributes?.attempt ?? '';
    console.log(t, name, String(extra).slice(0, 300));
  }
  await connection.close();
})();
