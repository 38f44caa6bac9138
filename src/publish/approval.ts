/**
 * Approving an episode as it is: its take (the recording named, tagged or pinned for the
 * issue), the issue text, the corrections file when it is for this take, and the MP3 of a
 * current build. Recorded in .letterpod/approvals.json (ledger.ts); shared by
 * `letterpod approve` and the review page's Approve button.
 */
import { basename, join } from 'node:path';
import type { LoadedConfig } from '../config/config.js';
import { readCorrections } from '../episode/corrections.js';
import { episodeSlug } from '../episode/build.js';
import { LetterpodError } from '../errors.js';
import { sha256File } from '../hash.js';
import { listRecordings } from '../intake/files.js';
import { listEpisodeSources } from '../intake/takes.js';
import { indexIssues, recordingIssueNumber } from '../intake/match.js';
import { probeAudio } from '../media/probe.js';
import type { Issue } from '../newsletter/types.js';
import { buildState } from './pipeline.js';
import { readPins, recordApproval, type Approval } from './ledger.js';

/**
 * The recording of issue `number` in recordings/ (named or tagged for it, or pinned to it),
 * with the other takes of that issue (take-marked files, a take folder) and its pickups.
 */
export async function takeOf(config: LoadedConfig, number: number): Promise<{ path: string; sha256: string; takes: string[]; pickups: string[] }> {
  const pins = await readPins(config.root);
  const found: { path: string; sha256: string; takes: string[]; pickups: string[] }[] = [];
  // pickups go with the take (publish splices them in), they are not takes of their own
  const listing = await listEpisodeSources(config.resolved.recordings, await listRecordings(config.resolved.recordings));
  for (const source of listing.sources) {
    if (source.kind !== 'file') {
      // one take in a folder is built as that recording; several are approved as their joined recording (below)
      if (source.issue === number) found.push({ path: source.path, sha256: source.takes.length === 1 ? (await sha256File(source.takes[0]!)).sha256 : '', takes: source.takes, pickups: source.pickups });
      continue;
    }
    const path = source.path;
    let info;
    try {
      info = await probeAudio(path);
    } catch {
      continue;
    }
    const { sha256 } = await sha256File(path);
    const named = recordingIssueNumber(path, info);
    // a recording matched by tags or a pin: the pickups named for its issue
    const pickups = source.issue !== undefined ? source.pickups : listing.lonePickups.filter((x) => x.issue === number).map((x) => x.file);
    if (named?.number === number || (!named && pins[sha256]?.issue === number)) found.push({ path, sha256, takes: [path], pickups });
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
      fix: 'Keep one reading per issue in recordings/ (or name its takes after it: an-102-a.wav, an-102-b.wav), then approve it',
    });
  }
  return found[0]!;
}

export async function issueText(config: LoadedConfig, number: number): Promise<Issue> {
  const index = await indexIssues(config.resolved.newsletters);
  const issue = index.byNumber.get(number);
  if (!issue) {
    throw new LetterpodError({ problem: `no text for issue #${number} in ${config.resolved.newsletters}`, fix: 'Check the number (letterpod status lists the issues)' });
  }
  return issue;
}

/** Approve issue `number` as it is now; returns what was recorded, with the take's path. */
export async function approveIssue(config: LoadedConfig, number: number, issue?: Issue): Promise<Approval & { issue: number; recordingPath: string; issueFile: string }> {
  const text = issue ?? (await issueText(config, number));
  const take = await takeOf(config, number);
  const issueSha256 = (await sha256File(text.source)).sha256;
  const build = await buildState({ recording: take.path, issue: text, buildDir: join(config.resolved.build, episodeSlug(text)), takes: take.takes, pickups: take.pickups }, config);
  if (take.takes.length > 1 && build.state !== 'current') {
    throw new LetterpodError({
      file: take.path,
      problem: `#${number} is made of ${take.takes.length} takes and its build is ${build.state === 'missing' ? 'missing' : `outdated (${build.why})`}: there is no joined recording to approve yet`,
      fix: 'Run letterpod publish (or letterpod review) to build it, listen to it, then approve it',
    });
  }
  // with takes or pickups, the recording the build mastered is the one corrections are made for (review/episodes.ts)
  const mastered = build.state === 'current' && build.report.pieces?.length ? build.report.source.sha256 : take.sha256;
  const corrections = await readCorrections(text.source);
  const correctionsSha256 = corrections && [take.sha256, mastered].includes(corrections.corrections.recordingSha256) ? corrections.sha256 : '';
  const approval: Approval = {
    // with takes or pickups, the recording the build mastered (the takes joined, the pickups spliced in) is what publish checks
    recordingSha256: mastered,
    issueSha256,
    correctionsSha256,
    ...(build.state === 'current' && (build.report.corrections?.sha256 ?? '') === correctionsSha256 ? { audioSha256: build.report.audio.sha256 } : {}),
    recording: basename(take.path),
    approvedAt: new Date().toISOString(),
  };
  await recordApproval(config.root, number, approval);
  return { issue: number, ...approval, recordingPath: take.path, issueFile: text.source };
}
