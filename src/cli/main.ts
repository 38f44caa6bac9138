#!/usr/bin/env node
/** The letterpod command line: thin commands over the pipeline stages. */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { LetterpodError, UsageError } from '../errors.js';
import { describeFault } from '../faults.js';
import { FfmpegError } from '../media/ffmpeg.js';
import { registerAlign } from './align.js';
import { registerApprove } from './approve.js';
import { registerBuild } from './build.js';
import { registerImport } from './import.js';
import { registerInit } from './init.js';
import { registerCheck } from './check.js';
import { registerPublish } from './publish.js';
import { registerServe } from './serve.js';
import { registerReview } from './review.js';
import { registerStatus } from './status.js';
import { registerWatch } from './watch.js';

/** The installed package's version (package.json sits two folders above dist/cli/). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const program = new Command();
program
  .name('letterpod')
  .description('Turn a newsletter issue and its narrator\'s recording into a published podcast episode.')
  .version(version(), '-V, --version', 'print the version')
  .option('--config <file>', 'config file (default: ./letterpod.config.json)')
  .option('--debug', 'log every process run (with its arguments) and every stage on stderr (also: LETTERPOD_DEBUG=1)')
  .showHelpAfterError()
  .exitOverride()
  .hook('preAction', (cmd) => {
    // in the environment, so worker processes (watch) log too
    if (cmd.opts().debug) process.env.LETTERPOD_DEBUG = '1';
  });

registerInit(program);
registerBuild(program);
registerAlign(program);
registerPublish(program);
registerCheck(program);
registerServe(program);
registerStatus(program);
registerWatch(program);
registerApprove(program);
registerReview(program);
registerImport(program);

function fail(message: string, code: number): never {
  process.stderr.write(`letterpod: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(code);
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // help and version exit 0; usage mistakes exit 2 (commander already printed the message)
    process.exit(e.exitCode === 0 ? 0 : 2);
  }
  if (e instanceof UsageError) fail(e.message, 2);
  if (e instanceof LetterpodError) fail(e.message, 1);
  if (e instanceof FfmpegError && process.env.LETTERPOD_DEBUG) console.error(e.args.join(' '), '\n', e.stderrTail);
  if (e instanceof FfmpegError) fail(`${e.message}. Check the input file; run with LETTERPOD_DEBUG=1 to see the command and the end of its log`, 1);
  const fault = describeFault(e);
  if (fault) fail(`${fault.problem}. ${fault.fix}`, 1);
  if (process.env.LETTERPOD_DEBUG) console.error(e);
  fail(`unexpected error: ${(e as Error).message ?? String(e)}`, 1);
}
