/** `letterpod watch [--json]`: recordings/ as a drop folder (src/watch/watcher.ts). */
import type { Command } from 'commander';
import { loadProject } from './project.js';
import { createLog } from '../watch/log.js';
import { RecordingWatcher } from '../watch/watcher.js';

export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description(
      'watch recordings/: build each recording dropped in once it is complete (and publish it with watch.autoPublish); runs until Ctrl-C',
    )
    .option('--json', 'log one JSON object per line on stdout instead of text lines on stderr')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const config = await loadProject(cmd);
      const watcher = new RecordingWatcher({ config, log: createLog({ json: flags.json }) });
      // before start(): a signal during the initial scan stops it cleanly too
      const stopped = new Promise<string>((resolve) => {
        const first = (signal: NodeJS.Signals) => {
          process.off('SIGINT', first);
          process.off('SIGTERM', first);
          // a second signal: stop now (a build is killed anyway; a publish in progress is cut short)
          const again = () => {
            watcher.abortNow();
            process.exit(130);
          };
          process.once('SIGINT', again);
          process.once('SIGTERM', again);
          resolve(signal);
        };
        process.on('SIGINT', first);
        process.on('SIGTERM', first);
      });
      await watcher.start();
      await watcher.stop(await stopped);
      // nothing should be left running; do not hang on a stray handle
      setTimeout(() => process.exit(0), 2000).unref();
    });
}
