/**
 * `letterpod import <feed URL or file>`: an existing show's episodes enter the manifest
 * with their GUIDs, dates and enclosures kept; `--copy-audio` brings their files into the
 * store. `letterpod redirect-feed --old-url <url> --out <file>` writes the feed for the
 * show's old location, pointing apps here with itunes:new-feed-url.
 */
import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { renderRedirectFeed } from '../feed/redirect.js';
import { pingWarning } from '../feed/websub.js';
import { importFeed } from '../import/import-feed.js';
import { emptyManifest, readManifest } from '../store/manifest.js';
import { openStore } from '../store/open.js';
import { printJson } from './output.js';
import { loadProject } from './project.js';

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('bring the episodes of an existing feed into the manifest, keeping their GUIDs and dates (the config is never changed: its differences are proposed)')
    .argument('<feed>', 'the feed\'s URL or a saved copy')
    .option('--copy-audio', 'download each episode\'s audio into the store (resumable, sizes verified); without it the feed keeps pointing at the old host')
    .option('--concurrency <n>', 'downloads at a time with --copy-audio', '3')
    .option('--dry-run', 'read the feed and the store, write nothing')
    .option('--json', 'print the result as JSON')
    .action(async (source: string, flags: { copyAudio?: boolean; concurrency: string; dryRun?: boolean; json?: boolean }, cmd: Command) => {
      const concurrency = Number(flags.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) throw new UsageError(`--concurrency ${flags.concurrency}: give a whole number from 1 to 16`);
      const config = await loadProject(cmd);
      let last = '';
      const result = await importFeed(config, openStore(config), source, {
        copyAudio: flags.copyAudio,
        concurrency,
        dryRun: flags.dryRun,
        onProgress: flags.json
          ? undefined
          : (p) => {
              const line = `copy-audio: ${p.done}/${p.total} files, ${(p.bytes / 1e6).toFixed(1)} MB`;
              if (line === last) return;
              last = line;
              if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
              else if (p.done === p.total || p.bytes === 0) process.stderr.write(`${line}\n`);
            },
      });
      if (process.stderr.isTTY && last) process.stderr.write('\n');
      if (flags.json) printJson(result);
      else {
        console.log(`import ${source}: ${result.items} items; ${result.addedIssues.length} issue episodes and ${result.addedOthers.length} other items added, ${result.unchanged.length} already imported`);
        for (const p of result.problems) console.log(`  item ${p.position} (${p.title}): ${p.problem}`);
        for (const w of result.warnings) console.log(`  warning: item ${w.position} (${w.title}): ${w.warning}`);
        for (const c of result.copied) console.log(`  copied ${c.slug}: ${c.bytes} bytes${c.resumedFrom ? ` (resumed at ${c.resumedFrom})` : ''}`);
        for (const f of result.copyFailures) console.log(`  not copied ${f.slug} (${f.url}): ${f.problem}`);
        console.log(`manifest ${result.manifestChanged ? (flags.dryRun ? 'would change' : 'written') : 'unchanged'}; feed ${result.feedChanged ? 'written' : 'unchanged'}`);
        for (const ping of result.hubPings) console.log(ping.ok ? `WebSub: pinged ${ping.hub}` : `warning: ${pingWarning(ping)}`);
        const keys = Object.keys(result.proposedConfig);
        if (keys.length) {
          console.log('the old feed says (proposed for letterpod.config.json, not applied):');
          for (const k of keys) console.log(`  ${k}: ${JSON.stringify(result.proposedConfig[k])}`);
        }
      }
      if (result.copyFailures.length) process.exitCode = 1;
    });

  program
    .command('redirect-feed')
    .description('write the feed for the show\'s old location: it names this feed in itunes:new-feed-url, so apps move their subscription')
    .requiredOption('--old-url <url>', 'the address the feed had on its previous host')
    .requiredOption('--out <file>', 'where to write it (then put it at the old address)')
    .action(async (flags: { oldUrl: string; out: string }, cmd: Command) => {
      const config = await loadProject(cmd);
      const loaded = await readManifest(openStore(config));
      await writeFile(flags.out, renderRedirectFeed(config, loaded?.manifest ?? emptyManifest(new Date()), flags.oldUrl));
      console.log(`wrote ${flags.out}: put it at ${flags.oldUrl}; apps move to this feed (itunes:new-feed-url)`);
    });
}
