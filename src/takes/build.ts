/**
 * One episode from several takes: which run of the text each take reads (by listening),
 * each take aligned with its run, the takes joined with their room tone at matched
 * loudness, then the usual build (one two-pass master of the whole) with the chapters the
 * takes' alignments placed. Pickups are then spliced into that recording (pickup.ts). The
 * takes and pickups are only read; the joined and spliced recordings are written into the
 * build folder (`<slug>-takes.wav`, `<slug>-pickup<n>.wav`) and every piece is listed with
 * its sha256 in episode.json.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { mapLimit } from '../async/map-limit.js';
import type { LoadedConfig } from '../config/config.js';
import { buildEpisode, buildSettings, episodeSlug } from '../episode/build.js';
import type { EpisodePiece, EpisodeReport, MasterPlanReport } from '../episode/report.js';
import { LetterpodError } from '../errors.js';
import { makeDirectory } from '../faults.js';
import { sha256File } from '../hash.js';
import type { NamedPiece } from '../intake/takes.js';
import { probeAudio } from '../media/probe.js';
import type { Issue } from '../newsletter/types.js';
import type { Pause } from '../signal/pauses.js';
import { stageRunner, type StageListener } from '../stages/stage.js';
import { afterHeading, alignedSections, alignTake, issueAlignment, mergeAlignments, type TakeAlignment } from './alignment.js';
import { evenSteps, joinedTime, joinTakes } from './join.js';
import { JOIN_STEP_LU, measureJoinSteps } from './join-check.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { applyPickup, findPickupPlace, type Replacement } from './pickup.js';
import { textReference } from './pickup-find.js';
import { alignIssue, type IssueAlignment } from '../episode/align-issue.js';
import { recordingFeatures, textFeatures } from './listen.js';
import { decideOrder, evidenceOf, QUERY_SECONDS, rereadsOfMain, scoreSections, type TakeOrder } from './order.js';

export interface TakesBuildOptions {
  takes: readonly NamedPiece[];
  issue: Issue;
  outDir: string;
  config: LoadedConfig;
  onEvent?: StageListener;
  signal?: AbortSignal;
  /** Warnings found before the build (the intake's checks), reported with the build's own. */
  warnings?: string[];
  /**
   * The build of the same recording without the pickups, whose master plan (gain, limiter)
   * a build with pickups keeps; default: the episode.json already in `outDir`, when it is
   * of that recording with the same settings.
   */
  original?: EpisodeReport;
}

/**
 * The master plan of the build without the pickups: of `recording` (sha256), with the same
 * settings, from `given` or the episode.json in `outDir`. Undefined when there is none.
 */
export async function originalPlan(recording: string, outDir: string, config: LoadedConfig, given?: EpisodeReport): Promise<MasterPlanReport | undefined> {
  return (await originalBuild(recording, outDir, config, given))?.plan;
}

/**
 * The plan of the build without the pickups (`originalPlan`) and, when that build mastered
 * `recording` itself (not an earlier pickup build that kept its plan), its MP3: the frames
 * a build with one pickup keeps outside the replaced span.
 */
export async function originalBuild(
  recording: string,
  outDir: string,
  config: LoadedConfig,
  given?: EpisodeReport,
): Promise<{ plan: MasterPlanReport; audio?: { path: string; sha256: string } } | undefined> {
  let report = given;
  if (!report) {
    try {
      report = JSON.parse(await readFile(join(outDir, 'episode.json'), 'utf8')) as EpisodeReport;
    } catch {
      return undefined;
    }
  }
  const plan = report.loudness?.plan;
  if (!plan || report.source?.settings !== buildSettings(config)) return undefined;
  const { sha256 } = await sha256File(recording);
  if (plan.recordingSha256 !== sha256) return undefined;
  const audio = report.source?.sha256 === sha256 && report.audio?.path && report.audio.sha256 ? { path: report.audio.path, sha256: report.audio.sha256 } : undefined;
  return { plan, ...(audio ? { audio } : {}) };
}

export interface TakesBuild {
  report: EpisodeReport;
  /** Which run of the text each take reads (several takes). */
  order?: TakeOrder;
}

export type OrderedTakes = TakeOrder & { pauses: Map<string, Pause[]>; rereads: string[] };

/**
 * Which run of the text each take reads, in the text's order (with each take's pauses).
 * With `main` (the recording named without a take mark), takes that only re-read what it
 * reads are set apart as `rereads` (pickups found by listening) instead of refused.
 */
export async function orderTakes(files: readonly string[], issue: Issue, language: string | undefined, signal?: AbortSignal, main?: string): Promise<OrderedTakes> {
  const sections = issue.sections.filter((s) => s.text.trim().length > 0);
  const [queries, takes] = await Promise.all([
    mapLimit(sections, 2, async (s) => ({ id: s.id, title: s.title, query: await textFeatures(s.text, language, QUERY_SECONDS, signal) })),
    mapLimit(files, 2, async (file) => ({ file, features: await recordingFeatures(file, signal) })),
  ]);
  const evidence = await scoreSections(queries, takes, signal);
  const rereads = main ? rereadsOfMain(evidence, main, files) : [];
  const kept = takes.filter((t) => !rereads.includes(t.file));
  const order = decideOrder(queries, kept, evidenceOf(evidence, kept.map((t) => t.file)));
  return { ...order, pauses: new Map(takes.map((t) => [t.file, t.features.pauses])), rereads };
}

/** Takes joined in the order found by listening, with their merged alignment (joined time). */
export interface PreparedTakes {
  recording: string;
  alignment: IssueAlignment;
  pieces: EpisodePiece[];
  order?: TakeOrder;
  warnings: string[];
  sampleRate: number;
  /** Joins the takes again with gain corrections (same times: only the gains change). */
  rejoin?: (corrections: readonly number[]) => Promise<PreparedTakes>;
  /** Each take's speech in the joined recording (s). */
  takeSpeech?: { startSeconds: number; endSeconds: number }[];
}

async function prepareTakes(order: OrderedTakes, issue: Issue, language: string | undefined, outDir: string, signal?: AbortSignal): Promise<PreparedTakes> {
  const sections = alignedSections(issue);
  const kinds = new Map(issue.sections.map((s) => [s.id, s.kind as string]));
  const aligned: TakeAlignment[] = [];
  for (const t of order.takes) {
    const a = await alignTake(t.file, sections.slice(t.first, t.last + 1), language, signal);
    aligned.push(afterHeading(a, kinds, order.pauses.get(t.file) ?? []));
  }
  const infos = await Promise.all(order.takes.map((t) => probeAudio(t.file)));
  const rate = Math.min(48000, Math.max(...infos.map((i) => i.sampleRate)));
  const hashes = await Promise.all(order.takes.map((t) => sha256File(t.file).then((h) => h.sha256)));
  const inputs = aligned.map((a) => ({ file: a.file, speechStartSeconds: a.alignment.speech.startSeconds, speechEndSeconds: a.alignment.speech.endSeconds }));
  const make = async (corrections?: readonly number[]): Promise<PreparedTakes> => {
    const joined = await joinTakes(inputs, join(outDir, `${episodeSlug(issue)}-takes.wav`), rate, signal, corrections);
    const merged = mergeAlignments(aligned, joined.pieces, joined.durationSeconds, new Map(issue.sections.map((s) => [s.id, s.title])));
    return {
      recording: joined.file,
      alignment: issueAlignment(issue, merged.alignment, merged.warnings, merged.notReadWhere),
      pieces: joined.pieces.map((p, i) => ({
        file: p.file,
        sha256: hashes[i],
        role: 'take' as const,
        // the sections of its run it reads (those the aligner found not in it are not read)
        sections: aligned[i].alignment.sections.filter((s) => s.status === 'read').map((s) => s.id),
        sourceStartSeconds: p.sourceStartSeconds,
        sourceEndSeconds: p.sourceEndSeconds,
        offsetSeconds: p.offsetSeconds,
        gainDb: p.gainDb,
      })),
      order,
      warnings: joined.warnings,
      sampleRate: rate,
      rejoin: make,
      takeSpeech: inputs.map((t, i) => ({ startSeconds: joinedTime(joined.pieces[i], t.speechStartSeconds), endSeconds: joinedTime(joined.pieces[i], t.speechEndSeconds) })),
    };
  };
  return make();
}

/** One recording as the base of pickups: itself, aligned as a whole. */
async function prepareSingle(file: string, issue: Issue, language: string | undefined, signal?: AbortSignal): Promise<PreparedTakes> {
  const info = await probeAudio(file);
  const alignment = await alignIssue(file, issue, info.durationSeconds, { language, signal });
  const { sha256 } = await sha256File(file);
  return {
    recording: file,
    alignment,
    pieces: [{ file, sha256, role: 'take', sections: alignedSections(issue).map((s) => s.id), sourceStartSeconds: 0, sourceEndSeconds: info.durationSeconds, offsetSeconds: 0, gainDb: 0 }],
    warnings: [],
    sampleRate: Math.min(48000, info.sampleRate),
  };
}

/**
 * An episode from its pieces: one recording or several takes, then any pickups spliced in
 * (in name order, each on the result of the ones before). The recordings are only read.
 */
export async function buildFromTakes(opts: TakesBuildOptions): Promise<TakesBuild> {
  const { issue, config } = opts;
  const takes = opts.takes.filter((t) => t.role === 'take');
  const pickups = opts.takes.filter((t) => t.role === 'pickup');
  if (takes.length === 0) {
    throw new LetterpodError({
      file: pickups.map((p) => basename(p.file)).join(', '),
      problem: 'only pickups: a pickup re-reads part of an episode, and there is no recording of the episode here',
      fix: 'Give the episode\'s recording (or its takes) with the pickup',
    });
  }
  const files = takes.map((t) => t.file);
  const language = issue.language ?? config.show.language;
  const subject = files.length === 1 ? files[0] : `${basename(files[0])} (+${files.length - 1} takes)`;
  const stages = stageRunner({ subject, onEvent: opts.onEvent, signal: opts.signal });
  await makeDirectory(opts.outDir);
  if (files.length === 1 && pickups.length === 0) {
    // one recording: the plain build (aligned once, inside it)
    return { report: await buildEpisode({ recording: files[0], issue, outDir: opts.outDir, config, onEvent: opts.onEvent, signal: opts.signal, warnings: opts.warnings }) };
  }

  const prepared = await stages.run('match', async () => {
    // with several takes: their order, and takes that only re-read the main recording (pickups by listening)
    const mains = takes.filter((t) => t.mark === '');
    const order = files.length > 1 ? await orderTakes(files, issue, language, opts.signal, mains.length === 1 ? mains[0].file : undefined) : undefined;
    const rereads = new Set(order?.rereads ?? []);
    const byListening = takes.filter((t) => rereads.has(t.file));
    const kept = takes.filter((t) => !rereads.has(t.file));
    // where each pickup goes, first: a pickup that fits nowhere stops the build before minutes of work
    const sorted = [...pickups, ...byListening].sort((a, b) => a.file.localeCompare(b.file, 'en', { numeric: true }));
    const ref = sorted.length ? await textReference(alignedSections(issue), language, opts.signal) : undefined;
    const places = [];
    for (const p of sorted) places.push(await findPickupPlace(p.file, issue, language, ref, opts.signal));
    let base = order && kept.length > 1 ? await prepareTakes(order, issue, language, opts.outDir, opts.signal) : await prepareSingle(kept[0].file, issue, language, opts.signal);
    if (byListening.length) base.warnings.push(...byListening.map((t) => `${basename(t.file)} re-reads what ${basename(kept[0].file)} reads: used as a pickup`));
    const replaced: Replacement[] = [];
    const pieces = [...base.pieces];
    const baseRecording = base.recording;
    for (const [k, p] of sorted.entries()) {
      const applied = await applyPickup({
        recording: base.recording,
        alignment: base.alignment,
        pickup: p.file,
        issue,
        language,
        out: join(opts.outDir, `${episodeSlug(issue)}-pickup${k + 1}.wav`),
        sampleRate: base.sampleRate,
        found: places[k],
        signal: opts.signal,
      });
      replaced.push(applied.replacement);
      const { sha256 } = await sha256File(p.file);
      const r = applied.replacement;
      pieces.push({ file: p.file, sha256, role: 'pickup', sections: r.sections, sourceStartSeconds: applied.splice.pickupStartSeconds, sourceEndSeconds: applied.splice.pickupEndSeconds, offsetSeconds: r.new.startSeconds, gainDb: r.gainDb });
      base = { ...base, recording: applied.recording, alignment: applied.alignment };
    }
    const original = replaced.length ? await originalBuild(baseRecording, opts.outDir, config, opts.original) : undefined;
    return { base, replaced, pieces, original };
  });
  const { base, replaced, pieces, original } = prepared;
  const build = (b: PreparedTakes, p: EpisodePiece[], warnings: string[]) =>
    buildEpisode({
      recording: b.recording,
      issue,
      outDir: opts.outDir,
      config,
      onEvent: opts.onEvent,
      signal: opts.signal,
      warnings,
      pieces: p,
      ...(replaced.length ? { replaced } : {}),
      ...(original ? { keepPlan: original.plan, ...(original.audio ? { keepAudio: original.audio } : {}) } : {}),
      align: async (decode, signal) => {
        await decode(16000, () => undefined, signal);
        return b.alignment;
      },
    });
  let report = await build(base, pieces, [...(opts.warnings ?? []), ...base.warnings]);
  // the joins as mastered: a step the limiter made is corrected once (takes without pickups)
  if (base.rejoin && base.takeSpeech && replaced.length === 0) {
    const clock = (t: number) => t - report.quality.trimmedHeadSeconds + report.quality.speechOffsetSeconds;
    const speech = base.takeSpeech.map((t) => ({ startSeconds: clock(t.startSeconds), endSeconds: clock(t.endSeconds) }));
    const steps = await measureJoinSteps(report.audio.path, speech, opts.signal);
    if (steps.some((s) => Math.abs(s.stepLu) > JOIN_STEP_LU)) {
      const again = await base.rejoin(evenSteps(steps.map((s) => s.stepLu)));
      report = await build(again, again.pieces, [...(opts.warnings ?? []), ...again.warnings]);
      const after = await measureJoinSteps(report.audio.path, speech, opts.signal);
      const worst = after.reduce((a, s) => (Math.abs(s.stepLu) > Math.abs(a.stepLu) ? s : a), after[0]);
      if (worst && Math.abs(worst.stepLu) > 1.5) {
        report.warnings.push(`the loudness steps by ${worst.stepLu} LU at the join at ${worst.atSeconds} s (after a correction of the takes' gains); listen to it`);
        await writeFileAtomic(report.files.report, JSON.stringify(report, null, 2) + '\n');
      }
    }
  }
  return { report, ...(base.order ? { order: base.order } : {}) };
}
