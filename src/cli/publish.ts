/** `letterpod publish [--dry-run] [--json]` */
import type { Command } from 'commander';
import { basename, dirname, relative } from 'node:path';
import { loadProject } from './project.js';
import { publishAll, type PublishAllResult } from '../publish/pipeline.js';
import { formatBytes, type PublishResult } from '../publish/protocol.js';
import { printJson } from './output.js';
import { displayMode, progressDisplay } from './progress.js';
import { pingWarning } from '../feed/websub.js';
import { publishSummary, type SummaryRow } from '../publish/summary.js';
import { hms } from '../episode/timecode.js';
import { table } from './format.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function relTo(cwd: string): (path: string) => string {
  return (path: string) => {
    const r = relative(cwd, path);
    return r && !r.startsWith('..') ? r : path;
  };
}

/** The dry run's plan: every object with what it is and why it would (not) be uploaded, the manifest change, the feed. */
export function formatDryRun(result: PublishAllResult, cwd = process.cwd()): string[] {
  const rel = relTo(cwd);
  const p = result.publish;
  const lines = [`dry run: nothing is written to ${p?.store ?? 'the store'}`];
  for (const w of result.wouldBuild) {
    lines.push(`would build ${rel(w.recording)} (#${w.issue}: ${w.why}) first; its objects are not listed below`);
  }
  if (!p) return lines;
  const rows = p.actions.map((a) => [`  ${a.action === 'upload' ? 'would upload' : 'skip'}`, a.key, a.what, a.reason]);
  if (rows.length) lines.push(...table(rows));
  const uploads = p.actions.filter((a) => a.action === 'upload' && a.bytes !== undefined);
  const bytes = uploads.reduce((sum, a) => sum + (a.bytes ?? 0), 0);
  lines.push(
    `would upload ${plural(uploads.length, 'content object')} (${formatBytes(bytes)}); manifest.json ${p.manifestChanged ? 'would change' : 'unchanged'}; feed.xml ${p.feedChanged ? 'would change' : 'unchanged'}`,
  );
  return lines;
}

/**
 * What went wrong or waits, one line each, for stderr: failures with their fix, held
 * episodes with why and how to approve, every warning of the episodes in this run, files
 * that are not recordings, issue texts that cannot be read.
 */
export function formatProblems(result: PublishAllResult, cwd = process.cwd()): string[] {
  const rel = relTo(cwd);
  const lines: string[] = [];
  for (const r of result.recordings) {
    if (r.status === 'failed') {
      const own = r.message.startsWith(r.recording) ? rel(r.recording) + r.message.slice(r.recording.length) : r.message.startsWith(basename(r.recording)) ? `${rel(dirname(r.recording))}/${r.message}` : `${rel(r.recording)}: ${r.message}`;
      lines.push(`failed: ${own}`);
    }
    else if (r.status === 'held') {
      lines.push(`held: ${rel(r.recording)} (#${r.issue}): ${r.problem}. ${r.fix}`);
      for (const w of r.warnings) lines.push(`  warning #${r.issue}: ${w}`);
    } else if (r.status === 'ready') {
      for (const w of r.warnings) lines.push(`warning #${r.issue}${r.approved ? ' (approved)' : ''}: ${w}`);
    }
  }
  for (const u of result.unsupported) lines.push(`skipped: ${rel(u.file)}: ${u.problem}`);
  for (const p of result.issueProblems) lines.push(`failed: ${rel(p.file)}: ${p.problem}`);
  return lines;
}

function publishedLines(result: PublishAllResult, p: PublishResult, cwd: string): string[] {
  const rel = relTo(cwd);
  const lines: string[] = [];
  for (const r of result.built) lines.push(`built ${rel(r)}`);
  for (const a of p.actions) {
    if (a.action === 'upload') lines.push(`uploaded ${a.key} (${a.what}: ${a.reason})`);
  }
  if (!p.manifestChanged && !p.feedChanged) lines.push('nothing new to publish');
  for (const e of p.episodes) {
    const rec = result.recordings.find((r) => r.status === 'ready' && r.issue === e.number);
    const pickups = rec?.status === 'ready' && rec.pickups?.length ? ` with the pickup${rec.pickups.length > 1 ? 's' : ''} ${rec.pickups.map(rel).join(', ')}` : '';
    // takes: the folder with its files' names, or every take-marked file
    const takes = rec?.status === 'ready' && rec.takes?.length ? rec.takes : undefined;
    const from = !rec ? '' : takes ? (takes.some((t) => t === rec.recording) ? takes.map(rel).join(' + ') : `${rel(rec.recording)}/ (${takes.map((t) => basename(t)).join(' + ')})`) : rel(rec.recording);
    lines.push(`published #${e.number}${rec ? ` from ${from}${pickups}` : ''}: ${e.isNew ? 'new episode' : e.changed ? 'updated (same GUID)' : 'unchanged'}`);
  }
  lines.push(`feed: ${p.feedUrl} (${plural(p.feedEpisodes, 'episode')}; ${p.episodes.length} in this run)`);
  for (const ping of p.hubPings) lines.push(ping.ok ? `WebSub: pinged ${ping.hub}` : `warning: ${pingWarning(ping)}`);
  return lines;
}

/** The closing summary table (stdout): one row per recording that got as far as an episode. */
export function formatSummary(rows: readonly SummaryRow[], cwd = process.cwd()): string[] {
  const rel = relTo(cwd);
  const shown = rows.filter((r) => r.status !== 'failed');
  if (shown.length === 0) return [];
  const num = (v: number | undefined, digits = 1) => (v === undefined ? '—' : v.toFixed(digits));
  const cells = rows.map((r) => [
    r.issue !== undefined ? `#${r.issue}` : rel(r.recording),
    r.durationSeconds !== undefined ? hms(r.durationSeconds) : '—',
    r.integratedLufs !== undefined ? `${num(r.integratedLufs)} / ${num(r.truePeakDbtp)}` : '—',
    r.chapters !== undefined ? String(r.chapters) : '—',
    String(r.warnings),
    r.status,
    r.url ? (/^https?:/.test(r.url) ? r.url : rel(r.url)) : '—',
  ]);
  return ['', 'summary:', ...table([['episode', 'duration', 'LUFS / dBTP', 'chapters', 'warnings', 'status', 'url'], ...cells]).map((l) => `  ${l}`)];
}

export function registerPublish(program: Command): void {
  program
    .command('publish')
    .description('build every new or changed recording in recordings/ and publish it with the feed to the store')
    .option('--dry-run', 'list what would be uploaded and why, the manifest change and the feed; write nothing')
    .option('--json', 'print the result as JSON')
    .option('-q, --quiet', 'print only problems (stderr): no progress, no report, no summary')
    .action(async (flags: { dryRun?: boolean; json?: boolean; quiet?: boolean }, cmd: Command) => {
      const config = await loadProject(cmd);
      const cwd = process.cwd();
      const display = progressDisplay(displayMode(flags), process.stderr, relTo(cwd));
      let result: PublishAllResult;
      try {
        result = await publishAll(config, { dryRun: flags.dryRun, onEvent: display.listener });
      } finally {
        display.close();
      }
      if (result.failed + result.held > 0) process.exitCode = 1;
      if (flags.json) {
        printJson(result);
        return;
      }
      const problems = formatProblems(result, cwd);
      const p = result.publish;
      if (flags.quiet) {
        // problems only
      } else if (flags.dryRun) {
        for (const line of formatDryRun(result, cwd)) console.log(line);
      } else if (p) {
        for (const line of publishedLines(result, p, cwd)) console.log(line);
      }
      if (!flags.quiet) for (const line of formatSummary(await publishSummary(result, config), cwd)) console.log(line);
      for (const line of problems) process.stderr.write(`letterpod: ${line}\n`);
      const ready = result.recordings.filter((r) => r.status === 'ready').length;
      if (result.held + result.failed > 0 && result.recordings.length + result.issueProblems.length > 1) {
        const parts = [`${ready} published`, ...(result.held ? [`${result.held} held`] : []), ...(result.failed ? [`${result.failed} failed`] : [])];
        process.stderr.write(`letterpod: ${parts.join(', ')}${result.failed + result.held ? ' (exit code 1)' : ''}\n`);
      }
    });
}
