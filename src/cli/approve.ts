/**
 * `letterpod approve <issue>`: the producer has listened to the held episode (or checked a
 * take whose name and content disagree) and lets it through as it is. The approval records
 * the recording's and the issue text's sha256 (.letterpod/approvals.json): a new take or
 * an edited text needs a new approval. The next `letterpod publish` publishes it.
 */
import type { Command } from 'commander';
import { basename, relative } from 'node:path';
import { loadProject } from './project.js';
import { UsageError, LetterpodError } from '../errors.js';
import { sha256File } from '../hash.js';
import { listRecordings } from '../intake/files.js';
import { indexIssues, recordingIssueNumber } from '../intake/match.js';
import { probeAudio } from '../media/probe.js';
import { readPins, recordApproval } from '../publish/ledger.js';
import { printJson } from './output.js';

export function registerApprove(program: Command): void {
  program
    .command('approve')
    .description('approve a held episode as it is (its recording and issue text): the next publish publishes it')
    .argument('<issue>', 'the issue number, e.g. 88')
    .option('--json', 'print the approval as JSON')
    .action(async (issueArg: string, flags: { json?: boolean }, cmd: Command) => {
      const number = Number(String(issueArg).replace(/^#|^an-?/i, ''));
      if (!Number.isInteger(number) || number <= 0) throw new UsageError(`"${issueArg}" is not an issue number (e.g. letterpod approve 88)`);
      const config = await loadProject(cmd);
      const index = await indexIssues(config.resolved.newsletters);
      const issue = index.byNumber.get(number);
      if (!issue) {
        throw new LetterpodError({ problem: `no text for issue #${number} in ${config.resolved.newsletters}`, fix: 'Check the number (letterpod status lists the issues)' });
      }
      // the take for this issue: named or tagged for it, or pinned to it
      const pins = await readPins(config.root);
      const found: { path: string; sha256: string }[] = [];
      for (const path of await listRecordings(config.resolved.recordings)) {
        let info;
        try {
          info = await probeAudio(path);
        } catch {
          continue;
        }
        const { sha256 } = await sha256File(path);
        const named = recordingIssueNumber(path, info);
        if (named?.number === number || (!named && pins[sha256]?.issue === number)) found.push({ path, sha256 });
      }
      if (found.length === 0) {
        throw new LetterpodError({
          problem: `no recording for issue #${number} in ${config.resolved.recordings}`,
          fix: 'Run letterpod publish first: it lists the held episodes and their recordings',
        });
      }
      if (found.length > 1) {
        throw new LetterpodError({
          problem: `issue #${number} has ${found.length} recordings (${found.map((f) => basename(f.path)).join(', ')})`,
          fix: 'Keep one take per issue in recordings/, then approve it',
        });
      }
      const take = found[0]!;
      const issueSha256 = (await sha256File(issue.source)).sha256;
      const approval = { recordingSha256: take.sha256, issueSha256, recording: basename(take.path), approvedAt: new Date().toISOString() };
      await recordApproval(config.root, number, approval);
      if (flags.json) printJson({ issue: number, ...approval });
      else console.log(`approved #${number}: ${relative(process.cwd(), take.path) || take.path} with ${relative(process.cwd(), issue.source)} as they are now; letterpod publish publishes it`);
    });
}
