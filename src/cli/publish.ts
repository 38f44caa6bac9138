/** `letterpod publish [--dry-run] [--json]` */
import type { Command } from 'commander';
import { basename, relative } from 'node:path';
import { loadConfig } from '../config.js';
import { publishAll, type PublishAllResult } from '../publish/pipeline.js';
import { formatBytes } from '../publish/protocol.js';
import { info, printJson } from './output.js';
import { table } from './status.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The dry run's plan: every object with what it is and why it would (not) be uploaded, the manifest change, the feed. */
export function formatDryRun(result: PublishAllResult, cwd = process.cwd()): string[] {
  const rel = (path: string) => {
    const r = relative(cwd, path);
    return r && !r.startsWith('..') ? r : path;
  };
  const p = result.publish;
  const lines = [`dry run: nothing is written to ${p.store}`];
  for (const w of result.wouldBuild) {
    lines.push(`would build ${rel(w.recording)} (#${w.issue}: ${w.why}) first; its objects are not listed below`);
  }
  const rows = p.actions.map((a) => [`  ${a.action === 'upload' ? 'would upload' : 'skip'}`, a.key, a.what, a.reason]);
  if (rows.length) lines.push(...table(rows));
  const uploads = p.actions.filter((a) => a.action === 'upload' && a.bytes !== undefined);
  const bytes = uploads.reduce((sum, a) => sum + (a.bytes ?? 0), 0);
  lines.push(
    `would upload ${plural(uploads.length, 'content object')} (${formatBytes(bytes)}); manifest.json ${p.manifestChanged ? 'would change' : 'unchanged'}; feed.xml ${p.feedChanged ? 'would change' : 'unchanged'}`,
  );
  return lines;
}

export function registerPublish(program: Command): void {
  program
    .command('publish')
    .description('build every new or changed recording in recordings/ and publish it with the feed to the store')
    .option('--dry-run', 'list what would be uploaded and why, the manifest change and the feed; write nothing')
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
      const p = result.publish;
      if (flags.dryRun) {
        for (const line of formatDryRun(result)) console.log(line);
      } else {
        for (const r of result.built) console.log(`built ${r}`);
        for (const a of p.actions) {
          if (a.action === 'upload') console.log(`uploaded ${a.key} (${a.what}: ${a.reason})`);
        }
        if (!p.manifestChanged && !p.feedChanged) console.log('nothing new to publish');
      }
      console.log(`feed: ${p.feedUrl} (${plural(p.feedEpisodes, 'episode')}; ${p.episodes.length} in this run)`);
    });
}
