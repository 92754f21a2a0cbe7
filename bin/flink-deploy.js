#!/usr/bin/env node
// The flink-deploy command. An installed package runs the JavaScript `npm run build` wrote to dist/ (no
// TypeScript at run time). A checkout (src/ beside dist/, tsx installed) runs its source through tsx, so a
// dist/ older than the source never runs in its place; FLINK_DEPLOY_RUN=dist runs dist/ in a checkout.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(
    `flink-deploy needs Node.js >= 22.19 (this is ${process.version}); run it with npx, or put ` +
      `node_modules/.bin on PATH.\n`,
  );
  process.exit(2);
}

const root = path.join(__dirname, '..');
const built = path.join(root, 'dist', 'cli', 'main.js');
const source = path.join(root, 'src', 'cli', 'main.ts');

function tsxInstalled() {
  try {
    require.resolve('tsx/cjs');
    return true;
  } catch {
    return false;
  }
}

if (process.env.FLINK_DEPLOY_RUN !== 'dist' && fs.existsSync(source) && tsxInstalled()) {
  require('tsx/cjs');
  require(source).main();
} else if (fs.existsSync(built)) {
  require(built).main();
} else {
  process.stderr.write(
    `flink-deploy is not built (${path.relative(process.cwd(), built) || built} is missing): run \`npm run build\` ` +
      `in ${root}.\n`,
  );
  process.exit(2);
}
