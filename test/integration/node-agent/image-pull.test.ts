/**
 * The node agent's image pull for real: `flink:1.20` installs Apache Flink 1.20.x from PyPI with
 * the stack's pip into the agent's image cache (`.stack/node/images`, so the agent and later runs
 * find it there; minutes on the first run, instant after), and a version PyPI does not have is
 * ErrImagePull with pip's reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ImageStore, pipInstaller } from '../../../src/local/node-agent/image-store';
import { stack } from '../../support/stack';

const images = new ImageStore({
  defaultHome: stack.flinkHome,
  defaultVersion: stack.flinkVersion,
  cacheDir: path.join(stack.dir, 'node', 'images'),
  installer: pipInstaller(path.join(stack.dir, 'venv', 'bin', 'pip')),
});

describe('node agent image pull (PyPI)', () => {
  it('installs Flink 1.20 on first use: its scripts, flink-dist 1.20.x and its config.yaml', async () => {
    const image = await images.pull('flink:1.20');
    expect(image.version).toMatch(/^1\.20\.\d+$/);
    expect(image.imageId).toBe(`flink-home://flink@${image.version}`);
    for (const file of ['bin/jobmanager.sh', 'bin/standalone-job.sh', 'bin/taskmanager.sh', 'conf/config.yaml'])
      expect(fs.existsSync(path.join(image.distribution, file))).toBe(true);
    expect(fs.readdirSync(path.join(image.distribution, 'lib'))).toContain(`flink-dist-${image.version}.jar`);
  }, 1_200_000);

  it('fails a version PyPI does not have with ErrImagePull and pip’s reason', async () => {
    await expect(images.pull('flink:1.99')).rejects.toMatchObject({
      reason: 'ErrImagePull',
      message: expect.stringMatching(/Flink 1\.99\.\* could not be installed from PyPI: .*apache-flink==1\.99/),
    });
  }, 300_000);
});
