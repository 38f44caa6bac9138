/** `letterpod status [--json]`: issues, recordings, builds, what is published, what differs. */
import type { Command } from 'commander';
import { basename, dirname, relative, sep } from 'node:path';
import { loadProject } from './project.js';
import { projectStatus, type IssueStatus, type StatusReport } from '../publish/status.js';
import { readJournal, type JournalEntry, type JournalView } from '../watch/journal.js';
import { table } from './format.js';
import { printJson } from './output.js';

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}

function stateLine(s: IssueStatus): string {
  if (s.state === 'build outdated' || s.state === 'published, build outdated') {
    return s.build.why ? `${s.state} (${s.build.why})` : `${s.state} (not built here)`;
  }
  if (s.state === 'published, differs') return `${s.state}: ${s.differs.join(', ')}`;
  if (s.state === 'published, objects missing') return `${s.state}: ${s.missing.join('; ')}`;
  return s.state;
}

/** A drop-folder recording as the producer should read it: the watcher's state, published per the store. */
export interface DropStatus {
  name: string;
  state: JournalEntry['state'] | 'interrupted';
  issue?: number;
  reason?: string;
  sidecar?: string;
  updatedAt: string;
}

/**
 * The watcher's journal joined with the store: a recording the watcher built and the
 * producer then published counts as published; one left `processing` with no watcher
 * running was interrupted (the next `watch` resumes it).
 */
export function dropStatus(journal: JournalView, report: StatusReport): DropStatus[] {
  const publishedAudio = new Map(report.issues.filter((s) => s.published).map((s) => [s.number, s]));
  return journal.recordings.map((e) => {
    let state: DropStatus['state'] = e.state;
    const issue = e.issue !== undefined ? publishedAudio.get(e.issue) : undefined;
    // the watcher built it and `letterpod publish` published that build since
    if (e.state === 'built' && issue?.state === 'published') state = 'published';
    if (e.state === 'processing' && !journal.watcher) state = 'interrupted';
    // a failure, or one being retried (queued again, not yet run)
    const error = e.state === 'failed' || e.state === 'waiting' ? e.error : undefined;
    const reason = error ? `${error.problem} — ${error.fix}` : e.note;
    return { name: e.name, state, issue: e.issue, ...(reason ? { reason } : {}), ...(e.sidecar ? { sidecar: e.sidecar } : {}), updatedAt: e.updatedAt };
  });
}

export function formatDrop(drop: DropStatus[], watcher: JournalView['watcher']): string[] {
  if (drop.length === 0) return [];
  const lines = ['', `drop folder (letterpod watch${watcher ? `, running as pid ${watcher.pid}` : ', not running'}):`];
  const rows = drop.map((d) => [`  ${d.name}`, d.issue !== undefined ? `#${d.issue}` : '?', d.state, d.reason ? clip(d.reason, 100) : '']);
  lines.push(...table(rows));
  return lines;
}

export function formatStatus(report: StatusReport, cwd = process.cwd()): string {
  const rel = (path: string) => {
    const r = relative(cwd, path);
    return r && !r.startsWith('..') ? r : path;
  };
  // a file of recordings/ by its name there (a take folder's files as an-102/a.wav, the folder as an-102/)
  const folders = new Set(report.recordings.map((rec) => dirname(rec.path)).filter((d) => d !== report.recordingsDir));
  const inRecordings = (path: string) => {
    const r = relative(report.recordingsDir, path);
    if (!r || r.startsWith('..')) return basename(path);
    return r.split(sep).join('/') + (folders.has(path) ? '/' : '');
  };
  const lines: string[] = [];
  const r = report.remote;
  if (r.error) lines.push(`store: ${r.store}: cannot read it: ${r.error}`);
  else if (!r.manifest) lines.push(`store: ${r.store}: nothing published yet (feed ${r.feedUrl}: ${r.feed})`);
  else {
    const feed = r.feed === 'current' ? 'up to date' : r.feed === 'stale' ? 'stale: publish rewrites it' : r.feed;
    lines.push(`store: ${r.store}: ${r.episodes} episode${r.episodes === 1 ? '' : 's'} published, last change ${r.updatedAt}`);
    lines.push(`feed:  ${r.feedUrl} (${feed})`);
  }
  for (const m of r.missing) lines.push(`  missing from the store: ${m.key} (${m.problem})`);
  lines.push('');

  if (report.issues.length === 0) lines.push(`no issues in ${rel(report.newsletters)} and nothing published`);
  else {
    const rows = [['ISSUE', 'TITLE', 'RECORDING', 'BUILD', 'PUBLISHED', 'STATE', 'PUBLISH WOULD']];
    for (const s of report.issues) {
      rows.push([
        `#${s.number}`,
        clip(s.title || '(untitled)', 34),
        s.recording ? inRecordings(s.recording.path) + (s.pieces && s.pieces.takes.length > 1 && s.pieces.takes.includes(s.recording.path) ? ` (+${s.pieces.takes.length - 1} takes)` : '') : '—',
        s.build.state === 'none' ? '—' : s.build.state,
        s.published ? s.published.pubDate.slice(0, 10) : '—',
        stateLine(s),
        s.next,
      ]);
    }
    lines.push(...table(rows));
    // an episode made of several recordings: its pieces, and whether the published episode is made of them
    for (const s of report.issues) {
      if (!s.pieces) continue;
      const { takes, pickups, published, why } = s.pieces;
      const parts = [`take${takes.length === 1 ? '' : 's'} ${takes.map(inRecordings).join(', ')}`, ...(pickups.length ? [`pickup${pickups.length === 1 ? '' : 's'} ${pickups.map(inRecordings).join(', ')}`] : [])];
      const state = published === 'up to date' ? 'the published episode is made of them' : published === 'not published' ? 'not published yet' : `the published episode is ${published === 'outdated' ? 'not up to date with them' : 'not known to be made of them'}${why ? ` (${why})` : ''}`;
      lines.push(`pieces #${s.number}: ${parts.join('; ')}: ${state}`);
    }
    for (const s of report.issues) for (const w of s.warnings) lines.push(`warning #${s.number}: ${w}`);
  }

  lines.push('');
  if (report.recordings.length === 0) lines.push(`recordings: none in ${rel(report.recordingsDir)}`);
  else {
    lines.push(`recordings in ${rel(report.recordingsDir)}/:`);
    const rows = report.recordings.map((rec) => [
      `  ${inRecordings(rec.path)}`,
      rec.issue !== undefined ? `#${rec.issue}` : '?',
      rec.problem ?? `${rec.part ? `${rec.part === 'take' ? 'a take' : 'a pickup'} of #${rec.issue}, ` : ''}matched by ${rec.by === 'build' ? 'its build (same bytes)' : rec.by}`,
    ]);
    lines.push(...table(rows));
  }
  for (const p of report.problems) lines.push(`problem: ${rel(p.file)}: ${p.problem}`);
  return lines.join('\n');
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show the issues, recordings, builds and published episodes, and what differs between local builds and the store')
    .option('--json', 'print the status as JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const config = await loadProject(cmd);
      const [report, journal] = await Promise.all([projectStatus(config), readJournal(config.root)]);
      const drop = dropStatus(journal, report);
      if (flags.json) printJson({ ...report, drop });
      else console.log([formatStatus(report), ...formatDrop(drop, journal.watcher)].join('\n'));
      // The local part is shown either way; a store that cannot be read is still a failure.
      if (report.remote.error) process.exitCode = 1;
    });
}
