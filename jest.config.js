// Jest: TypeScript and the ESM-only packages (@kubernetes/client-node and its deps) are
// transformed to CommonJS by SWC, so Jest runs without --experimental-vm-modules.
const esmOnly = [
  '@kubernetes/client-node',
  'openid-client',
  'oauth4webapi',
  'jose',
  'jsonpath-plus',
  'js-yaml',
  '@jsep-plugin',
  'jsep',
  'rfc4648',
  'socks-proxy-agent',
  'agent-base',
  'commander',
];
const transform = {
  '^.+\\.(t|j|mj)s$': [
    '@swc/jest',
    {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
      module: { type: 'commonjs', ignoreDynamic: true },
    },
  ],
};
const shared = {
  transform,
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testEnvironment: 'node',
  // .stack/ holds etcd's data, Flink's state and logs: nothing of Jest's.
  modulePathIgnorePatterns: ['<rootDir>/.stack/'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/.stack/'],
};
/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 600_000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    // End-to-end proofs of minutes each beyond the core lifecycle (savepoints on S3, the Apache operator's
    // basic.yaml on Flink 2.2): `npm run test:long`, so that `npm test` stays within its time budget.
    { ...shared, displayName: 'long', testMatch: ['<rootDir>/test/long/**/*.test.ts'] },
    // Faults injected end to end (SIGTERM, terminated runs, broken images, the observer's worker killed, a
    // JobManager deleted right after the upgrade's savepoint):
    // minutes each, so `npm run faults` runs them, not `npm test` (which keeps the SIGKILL crash test).
    { ...shared, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.test.ts'] },
  ],
};
