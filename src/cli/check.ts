/** `letterpod check [path-or-url] [--json] [--offline]`: validate a feed against Apple, PSP-1 and the podcast namespace. */
import type { Command } from 'commander';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { checkFeed, httpFetcher, localFetcher, selfUrl, type CheckReport, type Fetcher, type ParsedFeed } from '../check/index.js';
import { loadProject } from './project.js';
import { LetterpodError } from '../errors.js';
import { feedUrl, normalizeBaseUrl } from '../feed/urls.js';
import { FEED_KEY } from '../store/keys.js';
import { printJson } from './output.js';

interface Target {
  source: string;
  bytes: Buffer;
  fetcher: Fetcher | ((feed: ParsedFeed) => Fetcher) | undefined;
}

const MAX_FEED_BYTES = 64 * 1024 * 1024;

async function fromUrl(url: string, offline: boolean): Promise<Target> {
  const http = httpFetcher();
  const got = await http.get(url, { maxBytes: MAX_FEED_BYTES });
  if (!got.ok || got.status !== 200) {
    throw new LetterpodError({
      file: url,
      problem: `feed not readable (${got.ok ? `HTTP ${got.status}` : got.error})`,
      fix: 'Check the URL, and that the server (letterpod serve, the bucket) is up and public',
    });
  }
  return { source: url, bytes: got.body, fetcher: offline ? undefined : http };
}

/** The folder URL of the feed's self link ("https://x.org/podcast/feed.xml" → "https://x.org/podcast/"). */
function folderOf(url: string | undefined): string[] {
  if (!url) return [];
  try {
    return [new URL('.', url).href];
  } catch {
    return [];
  }
}

async function fromPath(path: string, offline: boolean, bases: string[]): Promise<Target> {
  let file = resolve(path);
  try {
    if ((await stat(file)).isDirectory()) file = join(file, FEED_KEY);
  } catch {
    // reported below
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    throw new LetterpodError({ file, problem: 'feed not found', fix: 'Give the path of a feed.xml (or its folder), or a feed URL; without one, the configured store\'s feed is checked', cause });
  }
  const folder = dirname(file);
  return {
    source: path,
    bytes,
    fetcher: offline ? undefined : (feed) => localFetcher(folder, [...bases, ...folderOf(selfUrl(feed))]),
  };
}

function print(report: CheckReport): void {
  console.log(`${report.source}: ${report.items} episode${report.items === 1 ? '' : 's'}`);
  for (const f of report.findings) {
    const line = f.line ? `, line ${f.line}` : '';
    console.log(`${f.severity.padEnd(7)} ${f.where}: ${f.message} [${f.rule}${line}]`);
  }
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  console.log(`${plural(report.errors, 'error')}, ${plural(report.warnings, 'warning')}, ${plural(report.infos, 'note')}`);
}

export function registerCheck(program: Command): void {
  program
    .command('check [feed]')
    .description('validate a feed (a path, a URL, or by default the configured store\'s feed) against Apple, PSP-1 and the podcast namespace; exits 1 on errors')
    .option('--json', 'print the findings as JSON')
    .option('--offline', 'check only the feed document: no HEAD, Range or artwork requests')
    .action(async (feed: string | undefined, flags: { json?: boolean; offline?: boolean }, cmd: Command) => {
      const offline = Boolean(flags.offline);
      let target: Target;
      if (feed !== undefined && /^https?:\/\//i.test(feed)) {
        target = await fromUrl(feed, offline);
      } else if (feed !== undefined) {
        target = await fromPath(feed, offline, []);
      } else {
        const config = await loadProject(cmd);
        if (config.store.type === 'local' && config.resolved.store) {
          target = await fromPath(join(config.resolved.store, FEED_KEY), offline, [normalizeBaseUrl(config.store.publicBaseUrl)]);
        } else {
          target = await fromUrl(feedUrl(config.store.publicBaseUrl), offline);
        }
      }
      const report = await checkFeed(target.bytes, { source: target.source, fetcher: target.fetcher });
      if (flags.json) printJson(report);
      else print(report);
      if (report.errors > 0) process.exitCode = 1;
    });
}
