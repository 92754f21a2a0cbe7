#!/usr/bin/env node
// The flink-deploy command: TypeScript run through tsx (a runtime dependency).
'use strict';
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(
    `flink-deploy needs Node.js >= 22.19 (this is ${process.version}); run it with npx, or put ` +
      `node_modules/.bin on PATH.\n`,
  );
  process.exit(2);
}
require('tsx/cjs');
require('../src/cli/main.ts').main();
