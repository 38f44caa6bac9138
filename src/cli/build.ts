/** `letterpod build <recording | take folder | takes…> [--issue <file>] [--out <dir>] [--json]` */
import type { Command } from 'commander';
import { join } from 'node:path';
import { stat } from 'node:fs/promises';
import { loadConfigOrExample } from './project.js';
import { collectPieces } from '../intake/takes.js';
import { indexIssues } from '../intake/match.js';
import { buildFromTakes } from '../takes/build.js';
import { describeReplacement } from '../takes/pickup.js';
import { LetterpodError } from '../errors.js';
import { buildEpisode, episodeSlug } from '../episode/build.js';
import { findIssueFor } from '../publish/find-issue.js';
import { probeAudio } from '../media/probe.js';
import { readIssue } from '../newsletter/index.js';
import { hms } from '../episode/timecode.js';
import type { EpisodeReport } from '../episode/report.js';
import { printJson } from './output.js';
import { displayMode, progressDisplay } from './progress.js';

interface BuildFlags {
  issue?: string;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('master one recording, or an issue\'s takes, into an episode (MP3 with chapters, chapters.json, transcripts, notes, episode.json)')
    .argument('<recording...>', 'the narrator\'s recording (wav, flac, mp3, m4a, ogg…), or its takes: a folder (recordings/an-102/) or several files (an-102-part1.wav an-102-part2.wav …), ordered by listening; add pickups (an-102-pickup.wav, "an-102 fix 3.wav") to splice them in where they belong')
    .option('--issue <file>', "the issue text (default: matched by the recording's name, tags, or by listening)")
    .option('--out <dir>', 'output folder (default: <build dir>/<slug>)')
    .option('--json', 'print the episode report as JSON on stdout')
    .option('-q, --quiet', 'no progress display')
    .action(async (recordings: string[], flags: BuildFlags, cmd: Command) => {
      // given its recording, it runs anywhere (the example show outside a project)
      const config = await loadConfigOrExample(cmd);
      const single = recordings.length === 1 && !(await stat(recordings[0]).catch(() => undefined))?.isDirectory();
      if (!single) {
        const pieces = await collectPieces(recordings);
        const number = pieces.find((p) => p.issue !== undefined)?.issue;
        let issue;
        if (flags.issue) issue = await readIssue(flags.issue);
        else {
          issue = number !== undefined ? (await indexIssues(config.resolved.newsletters)).byNumber.get(number) : undefined;
          if (!issue) {
            throw new LetterpodError({
              file: recordings.join(', '),
              problem: number === undefined ? 'the takes\' names carry no issue number' : `no text for issue #${number} in ${config.resolved.newsletters}`,
              fix: 'Give the issue text with --issue <file>',
            });
          }
        }
        const display = progressDisplay(displayMode(flags));
        let report: EpisodeReport;
        try {
          report = (await buildFromTakes({ takes: pieces, issue, outDir: flags.out ?? join(config.resolved.build, episodeSlug(issue)), config, onEvent: display.listener })).report;
        } finally {
          display.close();
        }
        printReport(report, flags);
        return;
      }
      const recording = recordings[0];
      const info = await probeAudio(recording);
      const issue = flags.issue
        ? await readIssue(flags.issue)
        : (await findIssueFor(recording, info, config)).issue;
      const outDir = flags.out ?? join(config.resolved.build, episodeSlug(issue));
      const display = progressDisplay(displayMode(flags));
      let report: EpisodeReport;
      try {
        report = await buildEpisode({ recording, issue, outDir, config, onEvent: display.listener });
      } finally {
        display.close();
      }
      printReport(report, flags);
    });
}

function printReport(report: EpisodeReport, flags: BuildFlags): void {
  if (flags.json) {
    printJson(report);
    return;
  }
  const o = report.loudness.output;
  console.log(`${report.audio.path}: ${hms(report.audio.durationSeconds)}, ${o.integratedLufs} LUFS, true peak ${o.truePeakDbtp} dBTP`);
  for (const p of report.pieces ?? []) console.log(`  ${p.role} ${p.file}: ${p.sections.length ? `${p.sections[0]}…${p.sections[p.sections.length - 1]}` : 'no section read'}, gain ${p.gainDb} dB`);
  for (const r of report.replaced ?? []) console.log(`  replaced: ${describeReplacement(r)}`);
  for (const c of report.chapters) console.log(`  ${hms(c.startSeconds)}  ${c.title}  (confidence ${c.confidence})`);
  for (const w of report.warnings) console.log(`warning: ${w}`);
}
