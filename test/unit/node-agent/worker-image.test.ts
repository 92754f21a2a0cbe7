/** The worker image → a local install of the packed tarball; the Flink image mapping unchanged. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveWorkerImage, workerImageDir } from '../../../src/local/node-agent/worker-image';
import { workerCommandLine, workerPath } from '../../../src/local/node-agent/worker-launch';

const imagesDir = mkdtempSync(path.join(tmpdir(), 'fd-images-'));
const prefix = workerImageDir(imagesDir, '0.1.0');
mkdirSync(path.join(prefix, 'bin'), { recursive: true });
writeFileSync(path.join(prefix, 'bin', 'flink-deploy'), '#!/bin/sh\n');
const entrypoint = path.join(prefix, 'bin', 'flink-deploy');

test('flink-deploy-worker:<installed tag>, with or without a registry, runs the install; flink:2.3 still maps', () => {
  for (const image of [
    'flink-deploy-worker:0.1.0',
    'registry.example.com:5000/platform/flink-deploy-worker:0.1.0',
    `flink-deploy-worker:0.1.0@sha256:${'a'.repeat(64)}`,
  ]) {
    expect(resolveWorkerImage(image, imagesDir)).toEqual({
      image,
      imageId: 'npm-pack://flink-deploy@0.1.0',
      worker: { prefix, entrypoint: [entrypoint], cmd: ['worker'] },
    });
  }
  // Flink images are the image store's (image-store.ts), not this module's.
  expect(resolveWorkerImage('flink:2.3', imagesDir)).toBeUndefined();
});

test('a tag that is not installed: ErrImagePull naming what is there and what to run; another image is not its', () => {
  expect(() => resolveWorkerImage('flink-deploy-worker:9.9.9', imagesDir)).toThrow(
    expect.objectContaining({
      reason: 'ErrImagePull',
      message:
        `image flink-deploy-worker:9.9.9 is not available on this node (no ` +
        `${path.join(workerImageDir(imagesDir, '9.9.9'), 'bin', 'flink-deploy')}; installed tags: 0.1.0): bash ` +
        "scripts/stack/install-worker-image.sh installs this checkout's packed tarball under its package version",
    }),
  );
  expect(resolveWorkerImage('busybox:1.36', imagesDir)).toBeUndefined();
});

test("the image's ENTRYPOINT and CMD, the container's command and args over them as Kubernetes does", () => {
  const image = { prefix, entrypoint: [entrypoint], cmd: ['worker'] };
  expect(workerCommandLine({ container: { name: 'w' }, image })).toEqual([entrypoint, 'worker']);
  expect(workerCommandLine({ container: { name: 'w', args: ['worker', '--log-level', 'debug'] }, image })).toEqual([
    entrypoint,
    'worker',
    '--log-level',
    'debug',
  ]);
  expect(workerCommandLine({ container: { name: 'w', command: ['node', '-e', '1'] }, image })).toEqual([
    'node',
    '-e',
    '1',
  ]);
  expect(workerPath(image, '/usr/bin:/bin').split(':').slice(0, 2)).toEqual([
    path.join(prefix, 'bin'),
    path.dirname(process.execPath),
  ]);
});
