/**
 * Match a recording to its issue text: by the number in the file name, else by the
 * number in its tags (title, album, comment). A recording that matches nothing is an
 * error that says how to name it.
 */
import { basename } from 'node:path';
import { LetterpodError } from '../errors.js';
import type { AudioInfo } from '../media/probe.js';
import { issueNumberFromName, readIssue } from '../newsletter/index.js';
import type { Issue } from '../newsletter/types.js';
import { listIssueFiles } from './files.js';

export interface IssueIndex {
  dir: string;
  byNumber: Map<number, Issue>;
}

/** Parse every issue text in the folder; two files with one number is an error. */
export async function indexIssues(dir: string): Promise<IssueIndex> {
  const byNumber = new Map<number, Issue>();
  for (const file of await listIssueFiles(dir)) {
    const issue = await readIssue(file);
    const other = byNumber.get(issue.number);
    if (other) {
      throw new LetterpodError({
        file,
        problem: `issue #${issue.number} is also in ${basename(other.source)}`,
        fix: 'Keep one text per issue in newsletters/',
      });
    }
    byNumber.set(issue.number, issue);
  }
  return { dir, byNumber };
}

/** The issue number a recording carries in its tags, if any. */
export function issueNumberFromTags(tags: Record<string, string>): number | undefined {
  for (const key of ['title', 'album', 'comment', 'description']) {
    const value = tags[key];
    if (!value) continue;
    const m = /(?:\bAN\s*#?\s*|alignment\s+newsletter\s*#?\s*)(\d{1,3})\b/i.exec(value);
    if (m) return Number(m[1]);
  }
  return undefined;
}

export interface Match {
  recording: string;
  issue: Issue;
  by: 'name' | 'tags' | 'listening';
}

/** The issue number a recording's name, else its tags, carries. */
export function recordingIssueNumber(recording: string, info: Pick<AudioInfo, 'tags'>): { number: number; by: 'name' | 'tags' } | undefined {
  const fromName = issueNumberFromName(basename(recording));
  if (fromName !== undefined) return { number: fromName, by: 'name' };
  const fromTags = issueNumberFromTags(info.tags);
  return fromTags !== undefined ? { number: fromTags, by: 'tags' } : undefined;
}

/** Match by name or tags; a recording that carries no number, or names a missing issue, is an error. */
export function matchRecording(recording: string, info: Pick<AudioInfo, 'tags'>, index: IssueIndex): Match {
  const found = recordingIssueNumber(recording, info);
  if (found === undefined) {
    throw new LetterpodError({
      file: recording,
      problem: 'no issue number in the file name or tags',
      fix: 'Rename it after its issue, e.g. an-102.wav',
    });
  }
  const { number, by } = found;
  const issue = index.byNumber.get(number);
  if (!issue) {
    throw new LetterpodError({
      file: recording,
      problem: `no text for issue #${number} in ${index.dir}`,
      fix: `Add the issue text as ${index.dir}/an-${number}.md (or fix the recording's name)`,
    });
  }
  return { recording, issue, by };
}
