/** What makes a session job's cluster one it can run on (sessionClusterProblem), in the words people read. */
import { sessionClusterProblem } from '../../../src/contract/session-jobs';
import type { AppSpec } from '../../../src/spec/types';

const job = { namespace: 'ns', name: 'orders' };
const cluster = { namespace: 'ns', name: 'shared' };
const spec = (fields: Partial<AppSpec>) => ({ name: 'shared', ...fields }) as AppSpec;

test('a running session cluster: no problem', () => {
  expect(
    sessionClusterProblem(job, cluster, { status: 'running', lastAppliedSpec: spec({ sessionCluster: true }) }),
  ).toBeUndefined();
});

test.each([
  [
    'no record',
    undefined,
    'session cluster ns/shared (spec.deploymentName of orders) does not exist: apply the session cluster first',
  ],
  ['a record with no spec (never applied)', { status: 'none', lastAppliedSpec: null }, 'does not exist'],
  [
    'an application',
    { status: 'running', lastAppliedSpec: spec({}) },
    'is an application (a FlinkDeployment with spec.job), not a session cluster',
  ],
  [
    'another session job',
    { status: 'running', lastAppliedSpec: spec({ sessionJob: { deploymentName: 'x' } }) },
    'is a FlinkSessionJob, not a session cluster',
  ],
  [
    'a suspended session cluster',
    { status: 'suspended', lastAppliedSpec: spec({ sessionCluster: true }) },
    'is suspended, not running: resume it (flink-deploy resume shared -n ns)',
  ],
])('%s: refused, saying why and what to do', (_what, record, words) => {
  expect(sessionClusterProblem(job, cluster, record)).toContain(words);
});
