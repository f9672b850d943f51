#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by `npm start` and on install).
'use strict';
require('../dist/cli/main.js');
