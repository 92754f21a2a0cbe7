/** kube-proxy options: kube-proxy's own healthz port and the default Service range; bad values named in the error. */
import path from 'node:path';
import { parseProxyOptions } from '../../../src/local/kube-proxy/options';

test('defaults: health port 10256, Services 127.2.0.0/16; the kubeconfig made absolute', () => {
  expect(parseProxyOptions(['--kubeconfig', 'k'])).toEqual({
    kubeconfig: path.resolve('k'),
    healthPort: 10256,
    serviceCidr: { cidr: '127.2.0.0/16', prefix: '127.2' },
  });
});

test.each([
  [[], /--kubeconfig is required/],
  [['--kubeconfig', 'k', '--health-port', '0'], /--health-port must be a port number \(1-65535\), got 0/],
  [['--kubeconfig', 'k', '--service-cidr', '10.2.0.0/16'], /--service-cidr must be a \/16 inside 127\.0\.0\.0\/8/],
  [['--kubeconfig', 'k', '--pod-cidr', '127.1.0.0/16'], /Unknown option '--pod-cidr'/],
])('%j is refused with a message naming the option', (argv, message) => {
  expect(() => parseProxyOptions(argv)).toThrow(message);
});
