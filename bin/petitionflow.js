#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build`, which `npm install` (prepare) and `npm start` run.
'use strict';
require('../dist/cli/main.js');
