/**
 * `letterpod status`: where every issue stands — its text in newsletters/, its recording in
 * recordings/ (and how it was matched), its build (and whether the build is current), what
 * the store's manifest has published, and what differs between the local build and the
 * published episode — plus the state of the store itself (objects the manifest references
 * that are missing, a feed.xml that is not the render of the manifest).
 *
 * Read-only and cheap: recordings are matched by name or tags, or (without a number) by
 * the build made from exactly their bytes; nothing listens to audio. Problems with single
 * files are reported per file instead of stopping the report; a store that cannot be read
 * is reported as such, with the local state still shown.
 */
import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { LoadedConfig } from '../config/config.js';
import { episodeSlug } from '../episode/build.js';
import type { EpisodeReport } from '../episode/report.js';
import { LetterpodError } from '../errors.js';
import { feedEpisodes, renderFeed } from '../feed/render.js';
import { publicUrl } from '../feed/urls.js';
import { sha256File } from '../hash.js';
import { listIssueFiles, listRecordings, listUnsupported, unsupportedReason } from '../intake/files.js';
import { listEpisodeSources, refusePickup } from '../intake/takes.js';
import { recordingIssueNumber } from '../intake/match.js';
import { probeAudio } from '../media/probe.js';
import { readIssue, type Issue } from '../newsletter/index.js';
import { FEED_KEY } from '../store/keys.js';
import { readManifest, type Manifest, type ManifestEpisode } from '../store/manifest.js';
import { openStore } from '../store/open.js';
import type { ObjectStore } from '../store/store.js';
import { appliedCorrections } from '../episode/apply-corrections.js';
import { isApproved } from './ledger.js';
import { buildState, readBuildReport, reviewReason } from './pipeline.js';

export type IssueState =
  /** Issue text only: nothing recorded, built or published. */
  | 'no recording'
  /** A recording, no build yet. */
  | 'not built'
  /** Built from another take, text or settings: publish rebuilds it. */
  | 'build outdated'
  | 'built, not published'
  /** Published, and the local build (if any) is what is published. */
  | 'published'
  /** Published, but the local build differs (a re-master or a text edit not published yet). */
  | 'published, differs'
  /** Published; the local build is missing or outdated, so publish rebuilds first. */
  | 'published, build outdated'
  /** Published, but the store lacks objects the manifest references (or holds them with another size). */
  | 'published, objects missing'
  /** In the manifest, but feed.xml does not list it (a publish cut off before the feed): publish rewrites the feed. */
  | 'in the manifest, not in the feed'
  /** Built and current, but it waits for `letterpod approve` (review.required). */
  | 'held for review';

export interface IssueStatus {
  number: number;
  title: string;
  /** The issue text; undefined for an episode the manifest has but newsletters/ does not. */
  file?: string;
  /** Its recording; for several takes, the take folder or the first take. */
  recording?: { path: string; by: 'name' | 'tags' | 'build' };
  /**
   * An episode made of several recordings (takes of one issue, or a recording with pickups):
   * every piece in recordings/, and whether the published episode is made of exactly these
   * (`outdated`: publish would rebuild and update it, `why` says what changed; `unknown`: no
   * build here to compare with).
   */
  pieces?: { takes: string[]; pickups: string[]; published: 'up to date' | 'outdated' | 'unknown' | 'not published'; why?: string };
  build: {
    /** `unchecked`: a build exists but there is no recording to compare it with. */
    state: 'none' | 'current' | 'outdated' | 'unchecked';
    dir: string;
    why?: string;
    builtAt?: string;
    audioSha256?: string;
  };
  published?: {
    slug: string;
    guid: string;
    pubDate: string;
    updatedAt: string;
    audioKey: string;
    audioSha256: string;
    audioBytes: number;
  };
  /** What differs between the local build and the published episode: audio, chapters, transcripts, title, url, notes. */
  differs: string[];
  /** The build's warnings (not-read summaries, a partial reading, low-confidence chapters, …). */
  warnings: string[];
  /** Whether the feed lists this episode (undefined: not published, or no feed to read). */
  inFeed?: boolean;
  /** Why it waits for review, when it does. */
  review?: string;
  /** Objects of this episode the manifest references that the store lacks, with the problem. */
  missing: string[];
  state: IssueState;
  /** What `letterpod publish` would do for it. */
  next: string;
}

export interface RecordingStatus {
  path: string;
  issue?: number;
  by?: 'name' | 'tags' | 'build';
  /** Part of an episode made of several recordings: one of its takes, or a pickup spliced into it. */
  part?: 'take' | 'pickup';
  /** Why it is not matched (or cannot be processed). */
  problem?: string;
}

export interface RemoteStatus {
  store: string;
  feedUrl: string;
  /** The store could not be read: the message. Everything below is then unknown. */
  error?: string;
  manifest: boolean;
  episodes: number;
  /** The newest change the manifest records. */
  updatedAt?: string;
  /** `current`: feed.xml is exactly the render of the manifest; `stale`: publish would rewrite it. */
  feed: 'current' | 'stale' | 'missing' | 'unknown';
  /** Referenced objects the store lacks or holds with another size. */
  missing: { key: string; problem: string }[];
  /** GUIDs of the items feed.xml lists: "published" means listed there. */
  feedGuids?: string[];
}

export interface StatusReport {
  newsletters: string;
  recordingsDir: string;
  buildDir: string;
  issues: IssueStatus[];
  recordings: RecordingStatus[];
  /** Files that could not be read (an issue text that does not parse, …). */
  problems: { file: string; problem: string }[];
  remote: RemoteStatus;
}

function problemOf(error: unknown): string {
  if (error instanceof LetterpodError) return error.problem;
  return (error as Error)?.message ?? String(error);
}

/** Every episode.json under the build folder, by the recording sha256 it was made from. */
async function buildsBySource(buildRoot: string): Promise<Map<string, { dir: string; report: EpisodeReport }>> {
  const out = new Map<string, { dir: string; report: EpisodeReport }>();
  let names: string[];
  try {
    names = await readdir(buildRoot);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    if (name.startsWith('.')) continue;
    const dir = join(buildRoot, name);
    const report = await readBuildReport(dir);
    if (report?.source?.sha256) out.set(report.source.sha256, { dir, report });
  }
  return out;
}

async function fileSha(path: string | undefined): Promise<string | undefined> {
  if (!path) return undefined;
  try {
    return (await sha256File(path)).sha256;
  } catch {
    return undefined;
  }
}

/** What differs between a local build and its published entry (the fields `publish` would change). */
async function buildDiffers(report: EpisodeReport, published: ManifestEpisode): Promise<string[]> {
  const [chapters, vtt, srt] = await Promise.all([
    fileSha(report.files.chapters),
    fileSha(report.files.transcriptVtt),
    fileSha(report.files.transcriptSrt),
  ]);
  let notesHtml: string | undefined;
  try {
    notesHtml = await readFile(report.files.notes, 'utf8');
  } catch {
    notesHtml = undefined;
  }
  const fields: string[] = [];
  if (report.audio.sha256 !== published.audio?.sha256) fields.push('audio');
  if (chapters !== published.chapters?.sha256) fields.push('chapters');
  if (vtt !== published.transcripts.vtt?.sha256 || srt !== published.transcripts.srt?.sha256) fields.push('transcripts');
  if (report.issue.title !== published.title) fields.push('title');
  if ((report.issue.url || undefined) !== published.url) fields.push('url');
  if (notesHtml !== undefined && notesHtml !== published.notesHtml) fields.push('notes');
  return fields;
}

/** Keys the manifest references, with the episode (or undefined for the cover) and the expected size. */
function referencedObjects(manifest: Manifest): { key: string; bytes: number; number?: number; what: string }[] {
  const out: { key: string; bytes: number; number?: number; what: string }[] = [];
  if (manifest.artwork) out.push({ key: manifest.artwork.key, bytes: manifest.artwork.bytes, what: 'cover art' });
  for (const e of manifest.episodes) {
    if (e.audio) out.push({ key: e.audio.key, bytes: e.audio.bytes, number: e.number, what: 'audio' });
    if (e.chapters) out.push({ key: e.chapters.key, bytes: e.chapters.bytes, number: e.number, what: 'chapters' });
    if (e.transcripts.vtt) out.push({ key: e.transcripts.vtt.key, bytes: e.transcripts.vtt.bytes, number: e.number, what: 'VTT transcript' });
    if (e.transcripts.srt) out.push({ key: e.transcripts.srt.key, bytes: e.transcripts.srt.bytes, number: e.number, what: 'SRT transcript' });
  }
  return out;
}

async function remoteStatus(config: LoadedConfig, store: ObjectStore): Promise<{ remote: RemoteStatus; manifest?: Manifest }> {
  const remote: RemoteStatus = {
    store: store.description,
    feedUrl: publicUrl(config.store.publicBaseUrl, FEED_KEY),
    manifest: false,
    episodes: 0,
    feed: 'unknown',
    missing: [],
  };
  try {
    const loaded = await readManifest(store);
    if (!loaded) {
      remote.feed = (await store.head(FEED_KEY)) ? 'stale' : 'missing';
      return { remote };
    }
    const manifest = loaded.manifest;
    remote.manifest = true;
    remote.episodes = manifest.episodes.length;
    const times = [manifest.channel.updatedAt, ...manifest.episodes.map((e) => e.updatedAt)].map((t) => Date.parse(t));
    remote.updatedAt = new Date(Math.max(...times)).toISOString();
    const listed = new Map((await store.list('')).map((o) => [o.key, o.bytes]));
    for (const ref of referencedObjects(manifest)) {
      const bytes = listed.get(ref.key);
      const label = ref.number !== undefined ? `#${ref.number} ${ref.what}` : ref.what;
      if (bytes === undefined) remote.missing.push({ key: ref.key, problem: `${label}: missing` });
      else if (bytes !== ref.bytes) remote.missing.push({ key: ref.key, problem: `${label}: ${bytes} bytes, the manifest says ${ref.bytes}` });
    }
    const feed = await store.get(FEED_KEY);
    if (feed) remote.feedGuids = [...feed.body.toString('utf8').matchAll(/<guid\b[^>]*>([^<]*)<\/guid>/g)].map((m) => m[1]!.trim());
    if (!feed) remote.feed = 'missing';
    else remote.feed = feed.body.equals(Buffer.from(renderFeed(config, manifest), 'utf8')) ? 'current' : 'stale';
    return { remote, manifest };
  } catch (error) {
    if (!(error instanceof LetterpodError)) throw error;
    remote.error = error.message;
    return { remote };
  }
}

function summarize(s: Omit<IssueStatus, 'state' | 'next'>): { state: IssueState; next: string } {
  const hasRecording = s.recording !== undefined;
  if (s.published && s.inFeed === false) {
    return { state: 'in the manifest, not in the feed', next: hasRecording ? 'rewrite feed.xml (a publish was cut off before it)' : 'rewrite feed.xml: run publish' };
  }
  if (s.review && s.build.state === 'current' && (!s.published || s.differs.includes('audio'))) {
    return { state: 'held for review', next: `nothing until approved: letterpod approve ${s.number} (${s.review})` };
  }
  if (s.published) {
    if (!hasRecording) {
      if (s.missing.length) return { state: 'published, objects missing', next: 'nothing: publish re-uploads them only with the recording in recordings/' };
      if (s.build.state !== 'none' && s.differs.length) {
        return { state: 'published, differs', next: 'nothing: publish only handles issues with a recording in recordings/' };
      }
      return { state: 'published', next: 'nothing' };
    }
    if (s.build.state === 'none' || s.build.state === 'outdated') {
      return { state: 'published, build outdated', next: 'rebuild, then update the episode if the build differs (same GUID and date)' };
    }
    if (s.missing.length) return { state: 'published, objects missing', next: `re-upload ${s.missing.length} object${s.missing.length === 1 ? '' : 's'}` };
    if (s.differs.length) return { state: 'published, differs', next: `update the episode (${s.differs.join(', ')}); GUID and date stay` };
    return { state: 'published', next: 'nothing' };
  }
  if (!hasRecording) {
    if (s.build.state !== 'none') return { state: 'built, not published', next: 'nothing until its recording is back in recordings/' };
    return { state: 'no recording', next: 'nothing until its recording is in recordings/' };
  }
  if (s.build.state === 'none') return { state: 'not built', next: 'build and publish' };
  if (s.build.state === 'outdated') return { state: 'build outdated', next: 'rebuild and publish' };
  return { state: 'built, not published', next: 'publish' };
}

/** The status of the project a config describes (and of its store). */
export async function projectStatus(config: LoadedConfig, opts: { store?: ObjectStore } = {}): Promise<StatusReport> {
  const store = opts.store ?? openStore(config);
  const problems: StatusReport['problems'] = [];

  // Issue texts.
  const issues = new Map<number, Issue>();
  for (const file of await listIssueFiles(config.resolved.newsletters)) {
    try {
      const issue = await readIssue(file);
      const other = issues.get(issue.number);
      if (other) problems.push({ file, problem: `issue #${issue.number} is also in ${basename(other.source)}` });
      else issues.set(issue.number, issue);
    } catch (error) {
      problems.push({ file, problem: problemOf(error) });
    }
  }

  // Recordings: by name or tags, else by the build made from their bytes; the takes of one
  // issue (take-marked files, a take folder) and its pickups go together (publish builds them as one)
  const recordings: RecordingStatus[] = [];
  const recordingOf = new Map<number, { path: string; by: 'name' | 'tags' | 'build'; takes: string[]; pickups: string[]; several: boolean }>();
  let bySource: Map<string, { dir: string; report: EpisodeReport }> | undefined;
  const listing = await listEpisodeSources(config.resolved.recordings, await listRecordings(config.resolved.recordings));
  for (const f of listing.folderProblems) recordings.push({ path: f.file, problem: `${f.problem}. ${f.fix}` });
  for (const source of listing.sources) {
    const path = source.path;
    const several = source.kind !== 'file';
    let match: { number: number; by: 'name' | 'tags' | 'build' } | undefined;
    try {
      if (several) match = { number: source.issue!, by: 'name' };
      else {
        const info = await probeAudio(path);
        match = recordingIssueNumber(path, info);
        if (!match) {
          bySource ??= await buildsBySource(config.resolved.build);
          const built = bySource.get((await sha256File(path)).sha256);
          if (built) match = { number: built.report.issue.number, by: 'build' };
        }
      }
    } catch (error) {
      recordings.push({ path, problem: problemOf(error) });
      continue;
    }
    const listed = (problem?: string) => {
      if (!several) recordings.push({ path, ...(match ? { issue: match.number, by: match.by } : {}), ...(problem ? { problem } : {}) });
      else for (const t of source.takes) recordings.push({ path: t, issue: match!.number, by: 'name', part: 'take', ...(problem ? { problem } : {}) });
    };
    if (!match) {
      listed('no issue number in its name or tags (publish will identify it by listening)');
      continue;
    }
    if (!issues.has(match.number)) {
      listed(`no text for issue #${match.number} in ${config.resolved.newsletters}`);
      continue;
    }
    const other = recordingOf.get(match.number);
    if (other) {
      listed(`issue #${match.number} already has the recording ${basename(other.path)}`);
      continue;
    }
    // a recording matched by tags or its build: the pickups named for that issue
    const pickups = source.issue !== undefined ? source.pickups : listing.lonePickups.filter((x) => x.issue === match!.number).map((x) => x.file);
    recordingOf.set(match.number, { path, by: match.by, takes: source.takes, pickups, several });
    listed();
    for (const p of pickups) recordings.push({ path: p, issue: match.number, by: 'name', part: 'pickup' });
  }
  for (const { file, issue } of listing.lonePickups) {
    if (issue !== undefined && recordingOf.has(issue)) continue;
    recordings.push({ path: file, ...(issue !== undefined ? { issue, by: 'name' as const } : {}), part: 'pickup', problem: problemOf(refusal(file)) });
  }
  for (const path of await listUnsupported(config.resolved.recordings)) recordings.push({ path, problem: unsupportedReason(basename(path)) });

  const { remote, manifest } = await remoteStatus(config, store);
  const publishedByNumber = new Map((manifest?.episodes ?? []).map((e) => [e.number, e]));
  const missingByNumber = new Map<number, string[]>();
  if (manifest) {
    for (const ref of referencedObjects(manifest)) {
      const problem = remote.missing.find((m) => m.key === ref.key);
      if (problem && ref.number !== undefined) missingByNumber.set(ref.number, [...(missingByNumber.get(ref.number) ?? []), problem.problem]);
    }
  }

  // the episodes the feed should list (itemLimit keeps only the newest)
  const feedListed = new Set(manifest ? feedEpisodes(config, manifest).map((e) => e.number) : []);
  const numbers = [...new Set([...issues.keys(), ...publishedByNumber.keys()])].sort((a, b) => a - b);
  const out: IssueStatus[] = [];
  for (const number of numbers) {
    const issue = issues.get(number);
    const published = publishedByNumber.get(number);
    const recording = recordingOf.get(number);
    const dir = join(config.resolved.build, issue ? episodeSlug(issue) : `an-${String(number).padStart(3, '0')}`);
    let build: IssueStatus['build'] = { state: 'none', dir };
    let report: EpisodeReport | undefined;
    if (recording && issue) {
      const state = await buildState({ recording: recording.path, issue, buildDir: dir, takes: recording.takes, pickups: recording.pickups }, config);
      if (state.state === 'missing') build = { state: 'none', dir };
      else {
        report = state.report;
        build = { state: state.state, dir, ...(state.state === 'outdated' ? { why: state.why } : {}) };
      }
    } else {
      report = await readBuildReport(dir);
      if (report) build = { state: 'unchecked', dir, why: 'no recording to compare it with' };
    }
    if (report) build = { ...build, builtAt: report.builtAt, audioSha256: report.audio.sha256 };
    const base: Omit<IssueStatus, 'state' | 'next'> = {
      number,
      title: issue?.title ?? published?.title ?? '',
      ...(issue ? { file: issue.source } : {}),
      ...(recording ? { recording: { path: recording.path, by: recording.by } } : {}),
      build,
      ...(published
        ? {
            published: {
              slug: published.slug,
              guid: published.guid,
              pubDate: published.pubDate,
              updatedAt: published.updatedAt,
              // an imported episode whose audio is still on its old host: its enclosure URL
              audioKey: published.audio?.key ?? published.imported?.enclosure.url ?? '',
              audioSha256: published.audio?.sha256 ?? '',
              audioBytes: published.audio?.bytes ?? published.imported?.enclosure.length ?? 0,
            },
          }
        : {}),
      differs: published && report ? await buildDiffers(report, published) : [],
      missing: missingByNumber.get(number) ?? [],
      warnings: report?.warnings ?? [],
      ...(published && remote.feedGuids && feedListed.has(number) ? { inFeed: remote.feedGuids.includes(published.guid) } : {}),
    };
    if (recording && (recording.several || recording.pickups.length || report?.pieces?.length)) {
      const differs = base.differs.includes('audio');
      const state: NonNullable<IssueStatus['pieces']>['published'] = !published
        ? 'not published'
        : build.state === 'current'
          ? differs
            ? 'outdated'
            : 'up to date'
          : build.state === 'outdated'
            ? 'outdated'
            : 'unknown';
      const why = !published ? undefined : build.state === 'outdated' ? build.why : state === 'outdated' ? 'the build made of them is not the one published' : state === 'unknown' ? 'not built here' : undefined;
      base.pieces = { takes: recording.takes, pickups: recording.pickups, published: state, ...(why ? { why } : {}) };
    }
    if (report && build.state === 'current') {
      const why = reviewReason(config, report);
      if (why && !(await isApproved(config.root, number, report.source.sha256, report.source.issueSha256, appliedCorrections(report)))) base.review = why;
    }
    out.push({ ...base, ...summarize(base) });
  }

  return {
    newsletters: config.resolved.newsletters,
    recordingsDir: config.resolved.recordings,
    buildDir: config.resolved.build,
    issues: out,
    recordings,
    problems,
    remote,
  };
}

/** refusePickup's error for a pickup with no recording to go with, as a value. */
function refusal(pickup: string): unknown {
  try {
    refusePickup(pickup);
  } catch (error) {
    return error;
  }
  return undefined;
}
