/**
 * One episode from several takes: which run of the text each take reads (by listening),
 * each take aligned with its run, the takes joined with their room tone at matched
 * loudness, then the usual build (one two-pass master of the whole) with the chapters the
 * takes' alignments placed. The takes are only read; the joined recording is written into
 * the build folder (`<slug>-takes.wav`) and listed with every take's sha256 in episode.json.
 */
import { basename, join } from 'node:path';
import { mapLimit } from '../async/map-limit.js';
import type { LoadedConfig } from '../config/config.js';
import { buildEpisode, episodeSlug } from '../episode/build.js';
import type { EpisodePiece, EpisodeReport } from '../episode/report.js';
import { LetterpodError } from '../errors.js';
import { makeDirectory } from '../faults.js';
import { sha256File } from '../hash.js';
import type { NamedPiece } from '../intake/takes.js';
import { probeAudio } from '../media/probe.js';
import type { Issue } from '../newsletter/types.js';
import type { Pause } from '../signal/pauses.js';
import { stageRunner, type StageListener } from '../stages/stage.js';
import { afterHeading, alignedSections, alignTake, issueAlignment, mergeAlignments } from './alignment.js';
import { joinTakes } from './join.js';
import { recordingFeatures, textFeatures } from './listen.js';
import { decideOrder, QUERY_SECONDS, scoreSections, type TakeOrder } from './order.js';

export interface TakesBuildOptions {
  takes: readonly NamedPiece[];
  issue: Issue;
  outDir: string;
  config: LoadedConfig;
  onEvent?: StageListener;
  signal?: AbortSignal;
}

export interface TakesBuild {
  report: EpisodeReport;
  order: TakeOrder;
}

/** Which run of the text each take reads, in the text's order (with each take's pauses). */
export async function orderTakes(files: readonly string[], issue: Issue, language: string | undefined, signal?: AbortSignal): Promise<TakeOrder & { pauses: Map<string, Pause[]> }> {
  const sections = issue.sections.filter((s) => s.text.trim().length > 0);
  const [queries, takes] = await Promise.all([
    mapLimit(sections, 2, async (s) => ({ id: s.id, title: s.title, query: await textFeatures(s.text, language, QUERY_SECONDS, signal) })),
    mapLimit(files, 2, async (file) => ({ file, features: await recordingFeatures(file, signal) })),
  ]);
  const order = decideOrder(queries, takes, await scoreSections(queries, takes, signal));
  return { ...order, pauses: new Map(takes.map((t) => [t.file, t.features.pauses])) };
}

export async function buildFromTakes(opts: TakesBuildOptions): Promise<TakesBuild> {
  const { issue, config } = opts;
  const pickups = opts.takes.filter((t) => t.role === 'pickup');
  if (pickups.length > 0) {
    throw new LetterpodError({
      file: pickups.map((p) => basename(p.file)).join(', '),
      problem: 'named as a pickup, which re-reads part of an episode rather than being one of its takes',
      fix: 'Build the episode from its takes first, then apply the pickup with `letterpod pickup <pickup> --episode <build folder>`',
    });
  }
  const files = opts.takes.map((t) => t.file);
  const language = issue.language ?? config.show.language;
  const subject = files.length === 1 ? files[0] : `${basename(files[0])} (+${files.length - 1} takes)`;
  const stages = stageRunner({ subject, onEvent: opts.onEvent, signal: opts.signal });
  await makeDirectory(opts.outDir);
  const joinedFile = join(opts.outDir, `${episodeSlug(issue)}-takes.wav`);
  const sections = alignedSections(issue);

  const { order, aligned, joined, hashes } = await stages.run('match', async () => {
    const order = await orderTakes(files, issue, language, opts.signal);
    const kinds = new Map(issue.sections.map((s) => [s.id, s.kind as string]));
    const aligned = [];
    for (const t of order.takes) {
      const a = await alignTake(t.file, sections.slice(t.first, t.last + 1), language, opts.signal);
      aligned.push(afterHeading(a, kinds, order.pauses.get(t.file) ?? []));
    }
    const infos = await Promise.all(order.takes.map((t) => probeAudio(t.file)));
    const rate = Math.min(48000, Math.max(...infos.map((i) => i.sampleRate)));
    const joined = await joinTakes(
      aligned.map((a) => ({ file: a.file, speechStartSeconds: a.alignment.speech.startSeconds, speechEndSeconds: a.alignment.speech.endSeconds })),
      joinedFile,
      rate,
      opts.signal,
    );
    const hashes = await Promise.all(order.takes.map((t) => sha256File(t.file).then((h) => h.sha256)));
    return { order, aligned, joined, hashes };
  });
  const merged = mergeAlignments(aligned, joined.pieces, joined.durationSeconds);
  const result = issueAlignment(issue, merged.alignment, merged.warnings);
  const pieces: EpisodePiece[] = joined.pieces.map((p, i) => ({
    file: p.file,
    sha256: hashes[i],
    role: 'take',
    sections: aligned[i].sectionIds,
    sourceStartSeconds: p.sourceStartSeconds,
    sourceEndSeconds: p.sourceEndSeconds,
    offsetSeconds: p.offsetSeconds,
    gainDb: p.gainDb,
  }));
  const report = await buildEpisode({
    recording: joinedFile,
    issue,
    outDir: opts.outDir,
    config,
    onEvent: opts.onEvent,
    signal: opts.signal,
    warnings: joined.warnings,
    pieces,
    align: async (decode, signal) => {
      await decode(16000, () => undefined, signal);
      return result;
    },
  });
  return { report, order };
}
