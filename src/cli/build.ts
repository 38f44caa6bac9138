/** `letterpod build <recording> [--issue <file>] [--out <dir>] [--json]` */
import type { Command } from 'commander';
import { join } from 'node:path';
import { loadConfigOrExample } from './project.js';
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
    .description('master one recording into an episode (MP3 with chapters, chapters.json, transcripts, notes, episode.json)')
    .argument('<recording>', 'the narrator\'s recording (wav, flac, mp3, m4a, ogg…)')
    .option('--issue <file>', "the issue text (default: matched by the recording's name, tags, or by listening)")
    .option('--out <dir>', 'output folder (default: <build dir>/<slug>)')
    .option('--json', 'print the episode report as JSON on stdout')
    .option('-q, --quiet', 'no progress display')
    .action(async (recording: string, flags: BuildFlags, cmd: Command) => {
      // given its recording, it runs anywhere (the example show outside a project)
      const config = await loadConfigOrExample(cmd);
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
      if (flags.json) {
        printJson(report);
        return;
      }
      const o = report.loudness.output;
      console.log(`${report.audio.path}: ${hms(report.audio.durationSeconds)}, ${o.integratedLufs} LUFS, true peak ${o.truePeakDbtp} dBTP`);
      for (const c of report.chapters) console.log(`  ${hms(c.startSeconds)}  ${c.title}  (confidence ${c.confidence})`);
      for (const w of report.warnings) console.log(`warning: ${w}`);
    });
}
