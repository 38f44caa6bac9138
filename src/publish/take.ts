/**
 * One take, before anything is built: is it complete, which issue is it, does its content
 * agree with its name, could it be a reading of that text at all?
 *
 *   pinned?  its sha256 is in the manifest (a published episode's source) or in
 *            .letterpod/matches.json → that issue, never re-identified
 *   named?   the number in its name or tags → that issue, confirmed by listening when
 *            other issues exist: a take that clearly reads another issue is held
 *            ("an-088.wav reads like #87 (score 0.41), not #88")
 *   else     listening among the issues neither published nor pinned nor claimed
 *
 * Then (only for a take that is not built yet): complete (decoded length against the
 * header's), plausible (length against the text's reading time, a few sampled seconds:
 * silence, music). Each problem is a LetterpodError (HeldError when the producer can
 * approve it as is) that names the file and the fix.
 */
import { basename } from 'node:path';
import type { LoadedConfig } from '../config/config.js';
import { LetterpodError } from '../errors.js';
import { sha256File } from '../hash.js';
import { checkComplete, checkPlausible } from '../intake/complete.js';
import { identifyRecording } from '../intake/identify.js';
import { recordingIssueNumber, type IssueIndex, type Match } from '../intake/match.js';
import { refusePickup } from '../intake/takes.js';
import { probeAudio, type AudioInfo } from '../media/probe.js';
import type { Issue } from '../newsletter/types.js';
import type { Manifest } from '../store/manifest.js';
import { identifyByListening } from './find-issue.js';
import { isApproved, readPins, type Pin } from './ledger.js';

/** A take the producer has to look at: `letterpod approve <issue>` lets it through as is. */
export class HeldError extends LetterpodError {
  readonly issue: number;
  constructor(opts: { file?: string; problem: string; fix: string; issue: number }) {
    super(opts);
    this.name = 'HeldError';
    this.issue = opts.issue;
  }
}

export interface TakeContext {
  config: LoadedConfig;
  index: IssueIndex;
  /** The store's manifest (undefined: nothing published yet). */
  manifest: Manifest | undefined;
  pins: Record<string, Pin>;
  /** Issues other takes in this batch stand for (excluded from listening). */
  claimed: ReadonlySet<number>;
}

export interface Take extends Match {
  info: AudioInfo;
  sha256: string;
  /** The match came from the manifest or matches.json. */
  pinned: boolean;
}

export async function takeContext(config: LoadedConfig, index: IssueIndex, manifest: Manifest | undefined): Promise<TakeContext> {
  return { config, index, manifest, pins: await readPins(config.root), claimed: new Set() };
}

function issueFor(recording: string, number: number, index: IssueIndex, how: string): Issue {
  const issue = index.byNumber.get(number);
  if (!issue) {
    throw new LetterpodError({
      file: recording,
      problem: `${how} #${number}, but there is no text for issue #${number} in ${index.dir}`,
      fix: `Add the issue text as ${index.dir}/an-${number}.md (or fix the recording's name)`,
    });
  }
  return issue;
}

/** Probe, hash and match a take (pinned, named and confirmed, or by listening). */
export async function matchTake(recording: string, ctx: TakeContext): Promise<Take> {
  refusePickup(recording);
  const info = await probeAudio(recording);
  const { sha256 } = await sha256File(recording);
  const published = ctx.manifest?.episodes.find((e) => e.source?.sha256 === sha256);
  const pin = ctx.pins[sha256];
  const pinnedTo = published?.number ?? pin?.issue;
  const named = recordingIssueNumber(recording, info);
  // a pin decides for a take whose name and tags carry no number (or the same one): the
  // name is the producer's word, and a named take is confirmed by listening instead
  if (pinnedTo !== undefined && (!named || named.number === pinnedTo)) {
    const issue = issueFor(recording, pinnedTo, ctx.index, `it was ${published ? 'published' : 'matched'} as`);
    return { recording, issue, by: pin?.by ?? named?.by ?? 'listening', info, sha256, pinned: true };
  }
  if (named) {
    const issue = issueFor(recording, named.number, ctx.index, `its ${named.by === 'name' ? 'name' : 'tags'} say`);
    return { recording, issue, by: named.by, info, sha256, pinned: false };
  }
  const exclude = new Set<number>([
    ...(ctx.manifest?.episodes.map((e) => e.number) ?? []),
    ...Object.values(ctx.pins).map((p) => p.issue),
    ...ctx.claimed,
  ]);
  const match = await identifyByListening(recording, ctx.index, exclude);
  return { ...match, info, sha256, pinned: false };
}

/** The issues a named take is compared with: its own and up to six others, nearest numbers first. */
function rivals(number: number, index: IssueIndex): Issue[] {
  return [...index.byNumber.values()]
    .filter((i) => i.number !== number)
    .sort((a, b) => Math.abs(a.number - number) - Math.abs(b.number - number) || a.number - b.number)
    .slice(0, 6);
}

/**
 * A take named for one issue must not clearly read another: listen to its opening and
 * compare the named issue with its neighbours. Held when another issue wins clearly.
 */
export async function confirmByListening(take: Take, ctx: TakeContext, issueSha256: string): Promise<void> {
  if (take.by === 'listening' || take.pinned) return;
  const others = rivals(take.issue.number, ctx.index);
  if (others.length === 0) return;
  const candidates = [take.issue, ...others].map((i) => ({
    key: String(i.number),
    label: `#${i.number}`,
    sections: i.sections.filter((s) => s.text.trim()).map((s) => ({ id: s.id, text: s.text })),
  }));
  const id = await identifyRecording(take.recording, candidates);
  if (!id.best || id.best.key === String(take.issue.number)) return;
  if (await isApproved(ctx.config.root, take.issue.number, take.sha256, issueSha256)) return;
  const mine = id.scores.find((s) => s.key === String(take.issue.number))?.score ?? 0;
  const name = basename(take.recording);
  throw new HeldError({
    issue: take.issue.number,
    problem: `${name} reads like ${id.best.label} (score ${id.best.score.toFixed(2)}), not #${take.issue.number} (score ${mine.toFixed(2)})`,
    fix: `Rename it after the issue it reads (e.g. an-${String(id.best.key).padStart(3, '0')}${name.slice(name.lastIndexOf('.'))}), or put the right take in place; if it is #${take.issue.number} after all: letterpod approve ${take.issue.number}`,
  });
}

/** Complete and plausible (see the module comment); returns warnings for the build. */
export async function checkTake(take: Take): Promise<string[]> {
  await checkComplete(take.recording, take.info);
  return checkPlausible(take.recording, take.info, take.issue);
}

/** The takes of one episode given as several files or a take folder (intake/takes.ts EpisodeSource): matched by the number their names carry. */
export interface TakeSet {
  /** The folder, or the first take: what names the episode's recordings in messages. */
  recording: string;
  issue: Issue;
  by: 'name';
  takes: { file: string; info: AudioInfo; sha256: string }[];
}

/**
 * Probe, hash and match the takes of one issue: the issue their names (or their take
 * folder's name) carry. Each take is only part of the reading, so listening to its opening
 * says nothing about the issue; the order found by listening (takes/order.ts) refuses a
 * take that reads nothing of it.
 */
export async function matchTakeSet(source: { path: string; issue?: number; takes: readonly string[] }, ctx: TakeContext): Promise<TakeSet> {
  if (source.issue === undefined) throw new Error(`matchTakeSet: ${source.path} carries no issue number`);
  const issue = issueFor(source.path, source.issue, ctx.index, 'its name says');
  const takes: TakeSet['takes'] = [];
  for (const file of source.takes) {
    refusePickup(file);
    const info = await probeAudio(file);
    takes.push({ file, info, sha256: (await sha256File(file)).sha256 });
  }
  return { recording: source.path, issue, by: 'name', takes };
}

/**
 * Each take complete and a plausible reading (as checkTake); a take being short for the
 * whole text is no warning here, it reads part of it.
 */
export async function checkTakeSet(set: TakeSet): Promise<string[]> {
  const warnings: string[] = [];
  for (const t of set.takes) {
    await checkComplete(t.file, t.info);
    const found = await checkPlausible(t.file, t.info, set.issue);
    warnings.push(...found.filter((w) => !/may be a partial reading/.test(w)).map((w) => `${basename(t.file)}: ${w}`));
  }
  return warnings;
}
