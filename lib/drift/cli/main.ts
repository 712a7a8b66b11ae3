#!/usr/bin/env node
/** The `cast-drift` executable: runs the CLI on the real process. */
import { processIo } from './cli-io';
import { runCli } from './run-cli';

void runCli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
