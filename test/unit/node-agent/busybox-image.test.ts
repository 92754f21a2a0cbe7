/** The busybox image → Debian's busybox-static installed under the images folder; its command line as the image's. */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { busyboxCommandLine, resolveBusyboxImage } from '../../../src/local/node-agent/busybox-image';

const imagesDir = mkdtempSync(path.join(tmpdir(), 'fd-images-'));
const bin = path.join(imagesDir, 'busybox', '1.35.0', 'bin');
mkdirSync(bin, { recursive: true });
writeFileSync(path.join(bin, 'busybox'), '');
for (const applet of ['sh', 'wget', 'env']) symlinkSync('busybox', path.join(bin, applet));
writeFileSync(path.join(imagesDir, 'busybox', '1.35.0', '.fd-installed'), '');
// A half-finished install is not an image.
mkdirSync(path.join(imagesDir, 'busybox', '1.36.1.part', 'bin'), { recursive: true });

test('busybox with a tag of the installed version, a build, or none, runs the installed busybox-static', () => {
  for (const image of [
    'busybox:1.35.0',
    'busybox:1.35',
    'busybox:1',
    'busybox:1.35.0-glibc',
    'busybox',
    'busybox:latest',
    'busybox:musl',
    'docker.io/library/busybox:1.35.0',
    `busybox:1.35.0@sha256:${'b'.repeat(64)}`,
  ]) {
    expect(resolveBusyboxImage(image, imagesDir)).toEqual({
      image,
      imageId: 'debian://busybox-static@1.35.0',
      bin,
    });
  }
});

test('another version, or none installed: ErrImagePull naming what is there and what installs it', () => {
  for (const image of ['busybox:1.36.1', 'busybox:1.3', 'busybox:2', 'busybox:1.35.0-alpine', 'busybox:1.35-musl-x']) {
    expect(() => resolveBusyboxImage(image, imagesDir)).toThrow(
      expect.objectContaining({
        reason: 'ErrImagePull',
        message:
          `image ${image} is not available on this node (busybox installed: 1.35.0): ` +
          'bash scripts/stack/fetch-busybox.sh installs Debian’s busybox-static',
      }),
    );
  }
  const empty = mkdtempSync(path.join(tmpdir(), 'fd-images-'));
  expect(() => resolveBusyboxImage('busybox:1.35.0', empty)).toThrow(/busybox installed: none/);
  // Not busybox: another module's image.
  expect(resolveBusyboxImage('flink:1.20', imagesDir)).toBeUndefined();
  expect(resolveBusyboxImage('example.com/busybox:1.35.0', imagesDir)).toBeUndefined();
});

test("command and args over the image's CMD sh, started with the image's PATH; /bin applets are busybox's", () => {
  const image = { image: 'busybox:1.35.0', imageId: 'debian://busybox-static@1.35.0', bin };
  const env = [path.join(bin, 'env'), `PATH=${bin}`];
  // The Apache operator's e2e-flinkdep-cr: `command: [wget, URL, -O, /flink-artifact/myjob.jar]`.
  expect(
    busyboxCommandLine({
      container: { name: 'fetch', command: ['wget', 'http://x/a.jar', '-O', '/flink-artifact/myjob.jar'] },
      image,
    }),
  ).toEqual([...env, 'wget', 'http://x/a.jar', '-O', '/flink-artifact/myjob.jar']);
  // pod-template's: `/bin/sh -c "wget …"` — the image's /bin/sh, not the node's.
  expect(busyboxCommandLine({ container: { name: 'i', command: ['/bin/sh', '-c', 'wget -O /d/x y'] }, image })).toEqual(
    [...env, path.join(bin, 'sh'), '-c', 'wget -O /d/x y'],
  );
  expect(busyboxCommandLine({ container: { name: 'i' }, image })).toEqual([...env, 'sh']);
  expect(busyboxCommandLine({ container: { name: 'i', args: ['echo', 'hi'] }, image })).toEqual([...env, 'echo', 'hi']);
  // A path that is no applet of the image stays as it is.
  expect(busyboxCommandLine({ container: { name: 'i', command: ['/opt/tool/run'] }, image })).toEqual([
    ...env,
    '/opt/tool/run',
  ]);
});
