/** `letterpod publish [--dry-run] [--json]` */
import type { Command } from 'commander';
import { basename } from 'node:path';
import { loadConfig } from '../config.js';
import { publishAll } from '../publish/pipeline.js';
import { info, printJson } from './output.js';

export function registerPublish(program: Command): void {
  program
    .command('publish')
    .description('build every new or changed recording in recordings/ and publish it with the feed to the store')
    .option('--dry-run', 'list what would be uploaded and why; write nothing')
    .option('--json', 'print the result as JSON')
    .action(async (flags: { dryRun?: boolean; json?: boolean }, cmd: Command) => {
      const config = await loadConfig(cmd.optsWithGlobals().config as string | undefined);
      const tty = Boolean(process.stderr.isTTY) && !flags.json;
      const result = await publishAll(config, {
        dryRun: flags.dryRun,
        onStage: tty ? (rec, stage) => info(`${basename(rec)}: ${stage}…`) : undefined,
      });
      if (flags.json) {
        printJson(result);
        return;
      }
      for (const r of result.built) console.log(`built ${r}`);
      for (const a of result.publish.actions) {
        if (a.action === 'upload') console.log(`${flags.dryRun ? 'would upload' : 'uploaded'} ${a.key} (${a.reason})`);
      }
      const p = result.publish;
      if (!p.manifestChanged && !p.feedChanged) console.log('nothing new to publish');
      console.log(`feed: ${p.feedUrl} (${p.episodes.length} episode${p.episodes.length === 1 ? '' : 's'} in this run)`);
    });
}
