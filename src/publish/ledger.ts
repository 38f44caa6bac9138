/**
 * The project's own records in `.letterpod/` (beside the config file):
 *
 * - `matches.json`: which recording (by content sha256) became which issue, written once a
 *   take's match is confirmed and it is built. A pinned take is never identified again —
 *   not by listening, not among other issues — so a nameless take published as #85 stays
 *   #85 when #86's text arrives. (The store's manifest records the same for published
 *   episodes: `source.sha256`; both are read.)
 * - `approvals.json`: per issue, the recording, issue-text and corrections hashes the
 *   producer approved (`letterpod approve <issue>` or the review page's Approve); a new
 *   take, an edited text or a new correction needs a new approval.
 *
 * Both are small JSON files written atomically (temp + rename).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.js';

export interface Pin {
  issue: number;
  by: 'name' | 'tags' | 'listening';
  /** The file name it had when pinned (for people). */
  name: string;
  at: string;
}

export interface Approval {
  recordingSha256: string;
  issueSha256: string;
  /** The corrections file (newsletters/<issue>.review.json) approved with them; '' or absent: none. */
  correctionsSha256?: string;
  /** The episode's MP3 as it was approved (its chapters are in its tag), when it was built. */
  audioSha256?: string;
  recording: string;
  approvedAt: string;
}

function dir(root: string): string {
  return join(root, '.letterpod');
}

async function readJson<T>(file: string, fallback: T): Promise<T> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as unknown;
    return value && typeof value === 'object' ? (value as T) : fallback;
  } catch {
    return fallback;
  }
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n', { mkdir: true });
}

export function matchesPath(root: string): string {
  return join(dir(root), 'matches.json');
}

export function approvalsPath(root: string): string {
  return join(dir(root), 'approvals.json');
}

export async function readPins(root: string): Promise<Record<string, Pin>> {
  return readJson<Record<string, Pin>>(matchesPath(root), {});
}

export async function pinMatch(root: string, sha256: string, pin: Pin): Promise<void> {
  // Two publishes in one project each read, add and rename matches.json: the later rename
  // can drop the other's pin. Each reads it back and adds its pin again until it is there.
  for (let attempt = 0; attempt < 5; attempt++) {
    const pins = await readPins(root);
    const old = pins[sha256];
    if (old && old.issue === pin.issue) return;
    pins[sha256] = pin;
    await writeJson(matchesPath(root), pins);
  }
}

export async function readApprovals(root: string): Promise<Record<string, Approval>> {
  return readJson<Record<string, Approval>>(approvalsPath(root), {});
}

/**
 * Whether the producer approved this take with this issue text — and, when
 * `correctionsSha256` is given, with these corrections ('' for none): a correction made
 * after the approval needs a new one.
 */
export async function isApproved(root: string, issue: number, recordingSha256: string, issueSha256: string, correctionsSha256?: string): Promise<boolean> {
  const a = (await readApprovals(root))[String(issue)];
  if (a === undefined || a.recordingSha256 !== recordingSha256 || a.issueSha256 !== issueSha256) return false;
  return correctionsSha256 === undefined || (a.correctionsSha256 ?? '') === correctionsSha256;
}

export async function recordApproval(root: string, issue: number, approval: Approval): Promise<void> {
  const all = await readApprovals(root);
  all[String(issue)] = approval;
  await writeJson(approvalsPath(root), all);
}
