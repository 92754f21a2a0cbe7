import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImageStore, parseFlinkImage, type FlinkInstaller } from '../../../src/local/node-agent/image-store';
import { LaunchError } from '../../../src/local/node-agent/errors';

/** A fake Flink distribution of `version` under `dir/pyflink`, as `pip install --target dir` leaves it. */
function fakeDistribution(dir: string, version: string): string {
  const home = path.join(dir, 'pyflink');
  fs.mkdirSync(path.join(home, 'bin'), { recursive: true });
  fs.mkdirSync(path.join(home, 'lib'), { recursive: true });
  fs.writeFileSync(path.join(home, 'bin', 'jobmanager.sh'), '#!/bin/sh\n');
  fs.writeFileSync(path.join(home, 'lib', `flink-dist-${version}.jar`), '');
  return home;
}

describe('parseFlinkImage', () => {
  it.each([
    ['flink:1.20', { major: 1, minor: 20, patch: undefined }],
    ['flink:1.20.3-scala_2.12-java17', { major: 1, minor: 20, patch: 3 }],
    ['docker.io/library/flink:2.2', { major: 2, minor: 2, patch: undefined }],
    ['apache/flink:2.3.0', { major: 2, minor: 3, patch: 0 }],
  ])('%s', (image, version) => expect(parseFlinkImage(image)).toEqual(version));

  it.each(['nginx:1.27', 'flink', 'flink:latest', 'example.com/flink:1.20'])('%s is not a Flink image', (image) =>
    expect(parseFlinkImage(image)).toBeUndefined(),
  );
});

describe('ImageStore', () => {
  let tmp: string;
  let defaultHome: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'image-store-'));
    defaultHome = fakeDistribution(path.join(tmp, 'default'), '2.3.0');
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const store = (installer?: FlinkInstaller) =>
    new ImageStore({ defaultHome, defaultVersion: '2.3.0', cacheDir: path.join(tmp, 'images'), installer });

  it('runs the installed version for its major.minor without installing anything', async () => {
    const installer = jest.fn<Promise<void>, Parameters<FlinkInstaller>>();
    const image = await store(installer).pull('flink:2.3');
    expect(image).toEqual({
      image: 'flink:2.3',
      imageId: 'flink-home://flink@2.3.0',
      distribution: defaultHome,
      version: '2.3.0',
    });
    expect(installer).not.toHaveBeenCalled();
  });

  it('installs another version once on first use (the newest X.Y patch), then finds it in the cache', async () => {
    const installer = jest.fn<Promise<void>, Parameters<FlinkInstaller>>(async ({ target }) => {
      await new Promise((r) => setTimeout(r, 20));
      fakeDistribution(target, '1.20.5');
    });
    const images = store(installer);
    const [a, b] = await Promise.all([images.pull('flink:1.20'), images.pull('apache/flink:1.20-java17')]);
    expect(installer).toHaveBeenCalledTimes(1);
    expect(installer.mock.calls[0]![0].requirement).toBe('1.20.*');
    expect(a.distribution).toBe(path.join(tmp, 'images', 'flink-1.20', 'pyflink'));
    expect(a.imageId).toBe('flink-home://flink@1.20.5');
    expect(b.distribution).toBe(a.distribution);
    const again = await store(installer).pull('flink:1.20');
    expect(again.distribution).toBe(a.distribution);
    expect(installer).toHaveBeenCalledTimes(1);
    expect(fs.readdirSync(path.join(tmp, 'images'))).toEqual(['flink-1.20']);
  });

  it('asks for exactly X.Y.Z when the image names a patch', async () => {
    const installer = jest.fn<Promise<void>, Parameters<FlinkInstaller>>(async ({ target }) => {
      fakeDistribution(target, '1.20.1');
    });
    await store(installer).pull('flink:1.20.1');
    expect(installer.mock.calls[0]![0].requirement).toBe('1.20.1');
  });

  it('fails with ErrImagePull naming the version and pip’s reason (PyPI has none), leaving no folder', async () => {
    const installer: FlinkInstaller = async ({ target }) => {
      fs.mkdirSync(target, { recursive: true });
      throw new Error('pip exit 1: No matching distribution found for apache-flink==1.99.*');
    };
    const err = await store(installer)
      .pull('flink:1.99')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LaunchError);
    expect(err).toMatchObject({ reason: 'ErrImagePull', retryable: true });
    expect((err as Error).message).toContain('Flink 1.99.* could not be installed from PyPI');
    expect((err as Error).message).toContain('No matching distribution found for apache-flink==1.99.*');
    expect(fs.readdirSync(path.join(tmp, 'images'))).toEqual([]);
  });

  it('refuses an image that is not Flink’s, and another version when it has no installer', async () => {
    await expect(store().pull('nginx:1.27')).rejects.toMatchObject({ reason: 'ErrImagePull' });
    await expect(store().pull('flink:1.20')).rejects.toThrow(/not available on this node \(have Flink 2.3.0/);
  });
});
