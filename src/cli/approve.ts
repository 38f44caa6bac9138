/**
 * `letterpod approve <issue>`: the producer has listened to the held episode (or checked a
 * take whose name and content disagree) and lets it through as it is. The approval records
 * the recording's, the issue text's and the corrections file's sha256
 * (.letterpod/approvals.json): a new take, an edited text or a new correction needs a new
 * approval. The next `letterpod publish` publishes it.
 */
import type { Command } from 'commander';
import { relative } from 'node:path';
import { loadProject } from './project.js';
import { UsageError } from '../errors.js';
import { approveIssue } from '../publish/approval.js';
import { printJson } from './output.js';

/** "88", "#88", "an-88", "AN88" → 88 */
export function issueNumberArg(arg: string, command: string): number {
  const number = Number(String(arg).replace(/^#|^an-?/i, ''));
  if (!Number.isInteger(number) || number <= 0) throw new UsageError(`"${arg}" is not an issue number (e.g. letterpod ${command} 88)`);
  return number;
}

export function registerApprove(program: Command): void {
  program
    .command('approve')
    .description('approve a held episode as it is (its recording, issue text and corrections): the next publish publishes it')
    .argument('<issue>', 'the issue number, e.g. 88')
    .option('--json', 'print the approval as JSON')
    .action(async (issueArg: string, flags: { json?: boolean }, cmd: Command) => {
      const number = issueNumberArg(issueArg, 'approve');
      const config = await loadProject(cmd);
      const { recordingPath, issueFile, ...approval } = await approveIssue(config, number);
      if (flags.json) printJson(approval);
      else {
        const corrected = approval.correctionsSha256 ? ' and its corrections' : '';
        console.log(`approved #${number}: ${relative(process.cwd(), recordingPath) || recordingPath} with ${relative(process.cwd(), issueFile)}${corrected} as they are now; letterpod publish publishes it`);
      }
    });
}
