/** The TaskManager's address in its RPC path, by which its pod is found (`idle-task-managers.ts`). */
import { addressOf } from '../../../src/activities/idle-task-managers';

test.each([
  ['pekko.tcp://flink@10.244.1.7:6122/user/rpc/taskmanager_0', '10.244.1.7'],
  ['pekko.tcp://flink@127.1.0.12:35211/user/rpc/taskmanager_0', '127.1.0.12'],
  ['akka.tcp://flink@[fd00::a:1]:6122/user/rpc/taskmanager_0', 'fd00::a:1'],
  ['pekko.tcp://flink@tm-0.flink.svc:6122/user/rpc/taskmanager_0', 'tm-0.flink.svc'],
])('%s: %s', (rpcPath, address) => {
  expect(addressOf(rpcPath)).toBe(address);
});

test('a path without an address: none', () => {
  expect(addressOf('taskmanager_0')).toBeUndefined();
});
