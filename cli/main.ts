/**
 * Process entry point of the `petitionflow` command line: `npm start` runs
 * `node dist/cli/main.js serve`, and `bin/petitionflow.js` requires this file's
 * compiled copy, so it runs on load. The commands live in `cli/program.ts`.
 */
import { runCli } from './program';

void runCli(process.argv).then((code) => {
  // exitCode rather than exit(): `serve` keeps running on its open server, and pending output is flushed first.
  process.exitCode = code;
});
