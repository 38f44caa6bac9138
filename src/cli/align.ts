/** `letterpod align <recording> [--issue <file>] [--json]`: chapters and sentence timings, no mastering. */
import type { Command } from 'commander';
import { loadConfigOrExample } from './project.js';
import { alignIssue } from '../episode/align-issue.js';
import { hms } from '../episode/timecode.js';
import { probeAudio } from '../media/probe.js';
import { readIssue } from '../newsletter/index.js';
import { findIssueFor } from '../publish/find-issue.js';
import { printJson } from './output.js';

export function registerAlign(program: Command): void {
  program
    .command('align')
    .description('find where each section starts in a recording (chapters with confidence, sentence timings) without mastering')
    .argument('<recording>', "the narrator's recording")
    .option('--issue <file>', "the issue text (default: matched by the recording's name, tags, or by listening)")
    .option('--json', 'print the result as JSON on stdout')
    .action(async (recording: string, flags: { issue?: string; json?: boolean }, cmd: Command) => {
      // given its recording, it runs anywhere (the example show outside a project)
      const config = await loadConfigOrExample(cmd);
      const info = await probeAudio(recording);
      const issue = flags.issue ? await readIssue(flags.issue) : (await findIssueFor(recording, info, config)).issue;
      const result = await alignIssue(recording, issue, info.durationSeconds, { language: issue.language ?? config.show.language });
      if (flags.json) {
        printJson({ issue: { number: issue.number, title: issue.title }, recording, ...result });
        return;
      }
      console.log(`${recording}: AN #${issue.number} ${issue.title} (${hms(result.durationSeconds)})`);
      for (const c of result.chapters) console.log(`  ${hms(c.startSeconds)}  ${c.title}  (confidence ${c.confidence})`);
      for (const s of result.skipped) console.log(`  skipped: ${s.title}`);
      for (const w of result.warnings) console.log(`warning: ${w}`);
    });
}
