/** Node-agent options: loopback ranges are checked and named in the error; the kubelet port needs its TLS files. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAgentOptions, realStateDir } from '../../../src/local/node-agent/options';
import { inRange, parseLoopbackRange } from '../../../src/local/shared/loopback-range';

const base = ['--kubeconfig', 'k', '--state-dir', 's', '--flink-home', 'f', '--jobs-dir', 'j'];

test('defaults: pods 127.1.0.0/16, Services 127.2.0.0/16, no kubelet API', () => {
  const options = parseAgentOptions(base);
  expect(options.podCidr).toEqual({ cidr: '127.1.0.0/16', prefix: '127.1' });
  expect(options.serviceCidr).toEqual({ cidr: '127.2.0.0/16', prefix: '127.2' });
  expect(options.kubeletPort).toBeUndefined();
});

test.each([
  ['--pod-cidr', '10.1.0.0/16', /--pod-cidr must be a \/16 inside 127\.0\.0\.0\/8.*got 10\.1\.0\.0\/16/],
  ['--service-cidr', '127.2.0.0/24', /--service-cidr must be a \/16/],
  ['--service-cidr', '127.0.0.0/16', /other than 127\.0\.0\.0\/16/],
  ['--service-cidr', '127.1.0.0/16', /--pod-cidr and --service-cidr must differ/],
  ['--kubelet-port', '10251', /--tls-cert is required/],
  ['--kubelet-port', '99999', /--kubelet-port must be a port number/],
])('%s %s is refused with a message naming it', (flag, value, message) => {
  expect(() => parseAgentOptions([...base, flag, value])).toThrow(message);
});

test('inRange matches addresses of the /16 only', () => {
  const range = parseLoopbackRange('service-cidr', '127.2.0.0/16');
  expect(inRange(range, '127.2.3.4')).toBe(true);
  expect(inRange(range, '127.20.3.4')).toBe(false);
  expect(inRange(range, undefined)).toBe(false);
});

test('the state folder is used by its real path: created if missing, a symlink to it resolved', () => {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fd-agent-state-')));
  try {
    fs.mkdirSync(path.join(root, 'real'));
    fs.symlinkSync(path.join(root, 'real'), path.join(root, 'link'));
    expect(realStateDir(path.join(root, 'link', 'node'))).toBe(path.join(root, 'real', 'node'));
    expect(fs.statSync(path.join(root, 'real', 'node')).isDirectory()).toBe(true);
    expect(realStateDir(path.join(root, 'real', 'node'))).toBe(path.join(root, 'real', 'node'));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
