#!/usr/bin/env node
// The flink-deploy command: TypeScript run through tsx (a runtime dependency).
'use strict';
require('tsx/cjs');
require('../src/cli/main.ts').main();
