/**
 * The container's /opt/flink honours ENABLE_BUILT_IN_PLUGINS as the official image's
 * docker-entrypoint.sh does: each named `opt/<jar>` linked into its own `plugins/<name>/`, the
 * distribution itself untouched; a jar that is not there refuses the container, naming it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildContainerFlinkHome, builtInPluginsOf } from '../../../src/local/node-agent/flink-home';
import { LaunchError } from '../../../src/local/node-agent/errors';

let root: string;
let distribution: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'flink-home-'));
  distribution = path.join(root, 'dist');
  for (const dir of ['bin', 'lib', 'opt', 'conf', 'plugins/metrics-jmx'])
    fs.mkdirSync(path.join(distribution, dir), {
      recursive: true,
    });
  fs.writeFileSync(path.join(distribution, 'opt', 'flink-s3-fs-presto-2.3.0.jar'), 'presto');
  fs.writeFileSync(path.join(distribution, 'plugins', 'metrics-jmx', 'jmx.jar'), 'jmx');
  fs.writeFileSync(path.join(distribution, 'conf', 'config.yaml'), '');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const build = (builtInPlugins: string[]) =>
  buildContainerFlinkHome({
    home: path.join(root, 'home'),
    distribution,
    jobsDir: path.join(root, 'jobs'),
    mounts: [],
    usrlibJars: [],
    builtInPlugins,
  });

test('ENABLE_BUILT_IN_PLUGINS is a ;-separated list of jar names', () => {
  expect(builtInPluginsOf('flink-s3-fs-presto-2.3.0.jar; flink-gs-fs-hadoop-2.3.0.jar;')).toEqual([
    'flink-s3-fs-presto-2.3.0.jar',
    'flink-gs-fs-hadoop-2.3.0.jar',
  ]);
  expect(builtInPluginsOf(undefined)).toEqual([]);
});

test('a named plugin is linked into plugins/<name>/ beside the distribution plugins, which stay as they are', () => {
  const home = build(['flink-s3-fs-presto-2.3.0.jar']);
  const plugin = path.join(home.home, 'plugins', 'flink-s3-fs-presto-2.3.0', 'flink-s3-fs-presto-2.3.0.jar');
  expect(fs.readFileSync(plugin, 'utf8')).toBe('presto');
  expect(fs.readFileSync(path.join(home.home, 'plugins', 'metrics-jmx', 'jmx.jar'), 'utf8')).toBe('jmx');
  expect(fs.readdirSync(path.join(distribution, 'plugins'))).toEqual(['metrics-jmx']);
});

test('without ENABLE_BUILT_IN_PLUGINS no plugin of opt/ is enabled', () => {
  const home = build([]);
  expect(fs.readdirSync(path.join(home.home, 'plugins'))).toEqual(['metrics-jmx']);
});

test('a plugin jar that opt/ does not hold: the container is refused, naming it and what opt/ has', () => {
  let error: unknown;
  try {
    build(['flink-s3-fs-hadoop-2.3.0.jar']);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(LaunchError);
  expect(error).toMatchObject({ reason: 'CreateContainerConfigError', retryable: false });
  expect((error as Error).message).toContain('flink-s3-fs-hadoop-2.3.0.jar');
  expect((error as Error).message).toContain('(flink-s3-fs-presto-2.3.0.jar)');
  expect(fs.existsSync(path.join(root, 'home'))).toBe(false);
});
