/** hostPath volumes as a kubelet mounts them: their `type` checked, the OrCreate ones created. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { StateStore } from '../../../src/local/node-agent/state-store';
import { prepareVolumes } from '../../../src/local/node-agent/volumes';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fd-hostpath-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const pod = (hostPath: k8s.V1HostPathVolumeSource): k8s.V1Pod => ({
  metadata: { namespace: 'ns', name: 'p' },
  spec: { containers: [], volumes: [{ name: 'data', hostPath }] },
});
const prepare = (hostPath: k8s.V1HostPathVolumeSource) =>
  prepareVolumes({ pod: pod(hostPath), store: new StateStore(dir), clients: {} as never, tokens: {} as never });

test('type Directory: a missing folder keeps the pod waiting (FailedMount); once there, mounted', async () => {
  await expect(prepare({ path: '/tmp/flink', type: 'Directory' })).rejects.toMatchObject({
    code: 'VOLUME_NOT_READY',
    reason: 'ContainerCreating',
    message: 'hostPath type check failed: /tmp/flink is not a directory',
  });
  const host = path.join(dir, 'hostpath', 'tmp', 'flink');
  expect(fs.existsSync(host)).toBe(false);
  fs.mkdirSync(host, { recursive: true });
  expect((await prepare({ path: '/tmp/flink', type: 'Directory' })).get('data')).toBe(host);
});

test('type File: must be a file; FileOrCreate and DirectoryOrCreate are created; unset makes a folder', async () => {
  await expect(prepare({ path: '/etc/x.conf', type: 'File' })).rejects.toMatchObject({ code: 'VOLUME_NOT_READY' });
  const file = (await prepare({ path: '/etc/x.conf', type: 'FileOrCreate' })).get('data')!;
  expect(fs.statSync(file).isFile()).toBe(true);
  expect((await prepare({ path: '/etc/x.conf', type: 'File' })).get('data')).toBe(file);
  const made = (await prepare({ path: '/data/a', type: 'DirectoryOrCreate' })).get('data')!;
  expect(fs.statSync(made).isDirectory()).toBe(true);
  expect(fs.statSync((await prepare({ path: '/data/b' })).get('data')!).isDirectory()).toBe(true);
  // A folder is not a file.
  await expect(prepare({ path: '/data/a', type: 'File' })).rejects.toMatchObject({ code: 'VOLUME_NOT_READY' });
});
