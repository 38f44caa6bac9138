/**
 * Build one episode: recording + issue text → mastered, chaptered MP3, chapters.json,
 * transcripts, show notes and the episode.json report, written into an output folder.
 * The recording is only read.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { cleanupFilters, trimWindow } from '../audio/cleanup.js';
import { episodeTimeline, planPauseCuts } from '../audio/pauses.js';
import { planCleanup } from '../audio/cleanup/plan.js';
import { leveledMeasurement, loudnessFrames, shiftLevel, type LoudnessFrame } from '../audio/cleanup/leveler.js';
import { MEASURE_FILTER, parseEbur128Measurement, type LoudnessMeasurement } from '../audio/loudness.js';
import { DENOISE_LOOKAHEAD_SECONDS, DENOISE_SETTLE_SECONDS, hasFrameGrid, master, OUTPUT_RATE, outputFormat, refuseUnmeasurable, type EarlierEncode, type Realign } from '../audio/master.js';
import { SPLICE_CROSSFADE_SECONDS } from '../takes/splice.js';
import { prepareClip, programGraph } from '../audio/music.js';
import type { AlignOptions } from '../align/index.js';
import { streamPcm } from '../media/ffmpeg.js';
import type { LoadedConfig } from '../config/config.js';
import { LetterpodError } from '../errors.js';
import { makeDirectory, withPath } from '../faults.js';
import { sha256Buffer, sha256File } from '../hash.js';
import { probeAudio } from '../media/probe.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { removeStaleTemps } from '../files/temp.js';
import type { Issue } from '../newsletter/types.js';
import { stageRunner, type StageListener } from '../stages/stage.js';
import { alignIssue, type IssueAlignment } from './align-issue.js';
import { AnalysisTap, analysisPath, episodeLoudness, episodePeaks, PEAKS_PER_SECOND, LOUDNESS_PER_SECOND, shortTermCurve, type EpisodeAnalysis } from './analysis.js';
import { resolveEpisode, writeTextArtifacts } from './apply-corrections.js';
import { playerChapters } from './chapter-titles.js';
import { readCorrections } from './corrections.js';
import { layoutChapters } from './chapters.js';
import { episodeTitle } from './title.js';
import type { EpisodeReplacement, EpisodeReport, MasterPlanReport } from './report.js';

/** Shorter recordings cannot be measured reliably (EBU R128's integrating window). */
export const MIN_RECORDING_SECONDS = 3;

export interface BuildOptions {
  recording: string;
  issue: Issue;
  outDir: string;
  config: LoadedConfig;
  /** Stage events (start, progress, end) for displays and logs. */
  onEvent?: StageListener;
  /** Stops the build between stages and aborts the ffmpeg running. */
  signal?: AbortSignal;
  /** Warnings found before the build (a partial reading, …): they lead the report's. */
  warnings?: readonly string[];
  /**
   * Where the chapters come from when not from aligning `recording` as a whole (a recording
   * joined from takes is aligned take by take): called in the analysis stage with the
   * build's decode, which it must run once (the loudness measurement and the review page's
   * waveform come from it).
   */
  align?: (decode: NonNullable<AlignOptions['decode']>, signal: AbortSignal) => Promise<IssueAlignment>;
  /** What the recording was made from (takes, pickups), for episode.json. */
  pieces?: EpisodeReport['pieces'];
  /** What pickups replaced, for episode.json. */
  replaced?: EpisodeReport['replaced'];
  /**
   * The master plan of an earlier build to keep (a pickup build keeps the plan of the build
   * without the pickup), used when its channels match and the result meets the target.
   */
  keepPlan?: MasterPlanReport;
  /**
   * The MP3 of that earlier build (its path and sha256): with one pickup spliced in, its
   * frames are kept outside the replaced span (audio/master.ts `KeptPlan.earlier`).
   */
  keepAudio?: { path: string; sha256: string };
}

/** How long after a splice's crossfade the master's filters (the 80 Hz high-pass, the limiter) still differ: measured ≤ 27.5 ms. */
const MASTER_SETTLE_SECONDS = 0.03;
/** How far before it the limiter's lookahead reaches. */
const LIMITER_LOOKAHEAD_SECONDS = 0.01;

/**
 * Where a master with one pickup spliced in differs from the earlier build's (seconds of
 * the new episode) and the length change after it: the span with its crossfades, the
 * limiter's lookahead before and the filters' settling after. With more than one pickup
 * it is marked unusable (their spans and shifts are not composed here: the MP3 is encoded
 * whole, and the report says so).
 */
function earlierEncode(audio: { path: string; sha256: string }, replaced: readonly EpisodeReplacement[], clock: (t: number) => number, settleSeconds = MASTER_SETTLE_SECONDS, lookaheadSeconds = LIMITER_LOOKAHEAD_SECONDS): EarlierEncode | undefined {
  if (replaced.length === 0) return undefined;
  if (replaced.length > 1) {
    return { path: audio.path, sha256: audio.sha256, differsFromSeconds: 0, differsToSeconds: 0, shiftSamples: 0, unusable: `${replaced.length} pickups: only one replaced span is spliced into the earlier frames` };
  }
  const r = replaced[0];
  const from = Math.min(r.seams[0], r.new.startSeconds) - SPLICE_CROSSFADE_SECONDS;
  const to = Math.max(r.seams[1], r.new.endSeconds) + SPLICE_CROSSFADE_SECONDS;
  return {
    path: audio.path,
    sha256: audio.sha256,
    differsFromSeconds: clock(from) - lookaheadSeconds,
    differsToSeconds: clock(to) + settleSeconds,
    shiftSamples: (r.samples.shift * OUTPUT_RATE) / r.samples.rate,
  };
}

/** A fingerprint of the settings that shape the mastered file and its artifacts. */
export function buildSettings(config: LoadedConfig): string {
  const relevant = {
    loudness: config.loudness,
    output: config.output,
    cleanup: config.cleanup,
    music: { ...config.music, intro: config.resolved.intro ?? null, outro: config.resolved.outro ?? null },
    episodeTitle: config.show.episodeTitle,
    artist: config.show.narrator ?? config.show.author,
    album: config.show.title,
    cover: config.resolved.image ?? null,
    chapterTitles: config.feed.chapterTitles,
    version: BUILD_FORMAT,
  };
  return sha256Buffer(JSON.stringify(relevant)).slice(0, 16);
}

/** Bump when the build's output changes for the same inputs. */
const BUILD_FORMAT = 5;

export function episodeSlug(issue: Pick<Issue, 'number'>): string {
  return `an-${String(issue.number).padStart(3, '0')}`;
}

async function writeAtomic(file: string, content: string): Promise<void> {
  try {
    await writeFileAtomic(file, content);
  } catch (e) {
    throw withPath(e, file);
  }
}

export async function buildEpisode(opts: BuildOptions): Promise<EpisodeReport> {
  const { recording, issue, config } = opts;
  const outDir = resolve(opts.outDir);
  const stages = stageRunner({ subject: recording, onEvent: opts.onEvent, signal: opts.signal });
  // temp files of a build that was killed (kill -9, a full disk) go before this one starts
  await removeStaleTemps(outDir);
  const info = await stages.run('probe', async () => {
    const probed = await probeAudio(recording);
    if (probed.durationSeconds < MIN_RECORDING_SECONDS) {
      throw new LetterpodError({
        file: recording,
        problem: `the recording is only ${probed.durationSeconds.toFixed(1)} s long`,
        fix: `Export the whole narration (at least ${MIN_RECORDING_SECONDS} s)`,
      });
    }
    return probed;
  });
  if (!issue.sections.some((s) => s.text.trim().length > 0)) {
    throw new LetterpodError({ file: issue.source, problem: 'the issue has no text to align', fix: 'Check that it is the issue text' });
  }
  const target = config.loudness;
  const cleanup = config.cleanup;
  const cleanupChain = cleanupFilters(cleanup);
  // one decode of the recording: the aligner's 16 kHz mono stream and, in the same ffmpeg
  // process, the loudness measurement of the cleaned signal; synthesis runs meanwhile
  let measured: LoudnessMeasurement | undefined;
  // the review page's waveform, pauses and loudness curve come from the same pass
  let tap: AnalysisTap | undefined;
  let curve: ReturnType<typeof shortTermCurve> = [];
  let frames: LoudnessFrame[] = [];
  const [aligned, sourceHash] = await stages.run('analyse', async (step) => {
    const decode: AlignOptions['decode'] = async (rate, onSamples, signal) => {
      const t = (tap = new AnalysisTap(rate));
      const both = (x: Float32Array) => {
        t.push(x);
        onSamples(x);
      };
      const { stderr } = await streamPcm(recording, rate, both, {
        signal,
        filters: cleanupChain,
        measure: MEASURE_FILTER,
        stderrLimit: 1 << 27,
        // (the whole recording aligned: the aligner's own progress, below — the decode is only
        // its first part, and on a short recording it is over before anything is drawn)
        ...(opts.align ? { onProgress: step.seconds(info.durationSeconds) } : {}),
      });
      measured = parseEbur128Measurement(stderr);
      curve = shortTermCurve(stderr);
      frames = loudnessFrames(stderr);
      // a silent or almost silent recording stops here, before the alignment proper
      refuseUnmeasurable(recording, measured);
    };
    return Promise.all([
      opts.align
        ? opts.align(decode, opts.signal ?? new AbortController().signal)
        : alignIssue(recording, issue, info.durationSeconds, { decode, language: issue.language ?? config.show.language, onProgress: step.progress }),
      sha256File(recording).then((h) => h.sha256),
    ]);
  });
  if (!measured) throw new Error('the analysis pass ended without a loudness measurement');
  const measurement: LoudnessMeasurement = measured;
  const warnings = [...(opts.warnings ?? []), ...aligned.warnings];

  // the episode's layout: trimmed speech, with the music around it
  const trimmed = trimWindow(cleanup, info.durationSeconds, aligned.speech.startSeconds, aligned.speech.endSeconds);
  // a pickup build starts where the build without the pickup started (its own alignment may
  // put the speech's start a few ms elsewhere): the same head, so the same master samples and
  // MP3 frames before the cut
  const keptHead = opts.keepPlan?.trimStartSeconds;
  const firstCut = Math.min(...(opts.replaced ?? []).map((r) => r.cut.startSeconds));
  const trim =
    keptHead !== undefined && cleanup.enabled && keptHead < firstCut && keptHead < trimmed.endSeconds
      ? { ...trimmed, startSeconds: keptHead, headSeconds: keptHead }
      : trimmed;
  const { channels } = outputFormat(info.channels, config.output);
  const loudnessTarget = { targetLufs: target.targetLufs, truePeakDbtp: target.truePeakDbtp, lraLu: target.lraLu };
  const [intro, outro] = await Promise.all(
    [config.resolved.intro, config.resolved.outro].map((f) => (f ? prepareClip(f, loudnessTarget, OUTPUT_RATE) : undefined)),
  );
  // pause shortening (off unless cleanup.pauses.maxSeconds is set): never across a chapter mark
  const pauseCuts = planPauseCuts(
    tap?.recordingPauses() ?? [],
    trim,
    cleanup.enabled ? cleanup.pauses?.maxSeconds : undefined,
    aligned.chapters.map((c) => c.startSeconds),
  );
  const speechSeconds = episodeTimeline(trim, pauseCuts.cuts, 0).speechSeconds;
  const program = intro || outro ? programGraph(intro, outro, config.music.crossfadeSeconds, speechSeconds, OUTPUT_RATE, channels) : undefined;
  const offset = program?.speechOffsetSeconds ?? 0;
  const episodeSeconds = program ? program.episodeSeconds(speechSeconds) : speechSeconds;
  // the one map of recording time to episode time (head trim, pause cuts, intro music)
  const timeline = episodeTimeline(trim, pauseCuts.cuts, offset, episodeSeconds);
  const clock = timeline.toEpisode;
  const automatic = layoutChapters(aligned.chapters, clock, intro ? offset : 0, episodeSeconds);
  const cues = aligned.sentences
    .map((s) => ({ sectionId: s.sectionId, startSeconds: clock(s.startSeconds), endSeconds: clock(s.endSeconds), text: s.text }))
    .filter((c) => c.endSeconds > c.startSeconds);
  // the inverse of the clock inside the kept speech (undefined over the music and the cut edges)
  const toRecording = timeline.toRecording;
  const pauses = (tap?.recordingPauses() ?? [])
    .filter(([a, b]) => b > trim.startSeconds && a < trim.endSeconds)
    .map(([a, b]): [number, number] => [clock(a), clock(b)]);
  const analysis: Omit<EpisodeAnalysis, 'loudness'> & { loudness?: EpisodeAnalysis['loudness'] } = {
    version: 1,
    recordingSha256: sourceHash,
    episodeSeconds,
    peaks: episodePeaks(tap?.recordingPeaks() ?? [], episodeSeconds, toRecording),
    peaksPerSecond: PEAKS_PER_SECOND,
    pauses,
    automatic: { chapters: automatic, skipped: aligned.skipped, warnings: aligned.warnings },
    cues,
  };
  // the producer's corrections (beside the issue text) when they are for this recording
  const episode = resolveEpisode({ ...analysis, loudness: { perSecond: LOUDNESS_PER_SECOND, shortTermLufs: [], targetLufs: target.targetLufs } }, issue, await readCorrections(issue.source));
  const chapters = episode.chapters;
  warnings.splice(warnings.length - aligned.warnings.length, aligned.warnings.length, ...episode.warnings);

  await makeDirectory(outDir);
  const slug = episodeSlug(issue);
  const files = {
    audio: join(outDir, `${slug}.mp3`),
    chapters: join(outDir, 'chapters.json'),
    notes: join(outDir, 'notes.html'),
    report: join(outDir, 'episode.json'),
    transcriptVtt: join(outDir, 'transcript.vtt'),
    transcriptSrt: join(outDir, 'transcript.srt'),
  };
  const year = issue.published?.slice(0, 4);
  // pauses cut before a pickup need not be the earlier build's cuts: its plan and MP3 frames
  // are not kept (never audio spliced onto a timeline it does not match), the file is mastered anew
  if (opts.keepPlan && pauseCuts.cuts.length > 0) {
    warnings.push(`pause shortening is on (cleanup.pauses.maxSeconds ${pauseCuts.maxSeconds} s): this build is mastered anew, not spliced into the earlier build's MP3, so the audio outside the replaced part is a new encode`);
  }
  const keep = opts.keepPlan && opts.keepPlan.channels === channels && pauseCuts.cuts.length === 0 ? opts.keepPlan : undefined;
  const earlier = !keep || !opts.replaced?.length
    ? undefined
    : opts.keepAudio
      ? hasFrameGrid(keep.pre)
        ? earlierEncode(opts.keepAudio, opts.replaced, clock, MASTER_SETTLE_SECONDS + DENOISE_SETTLE_SECONDS, LIMITER_LOOKAHEAD_SECONDS + DENOISE_LOOKAHEAD_SECONDS)
        : earlierEncode(opts.keepAudio, opts.replaced, clock)
      : { path: '', sha256: '', differsFromSeconds: 0, differsToSeconds: 0, shiftSamples: 0, unusable: 'the earlier build kept here is not of the recording without the pickup (an earlier pickup build?): its MP3 holds another span' };
  // a kept chain with a denoiser follows the earlier build's frame grid after the one replaced span
  const r0 = opts.replaced?.length === 1 ? opts.replaced[0] : undefined;
  const realign: Realign | undefined =
    keep && r0 && hasFrameGrid(keep.pre) && r0.samples.rate === info.sampleRate
      ? { rate: r0.samples.rate, shiftSamples: r0.samples.shift, fromSeconds: Math.max(r0.seams[1], r0.new.endSeconds) + SPLICE_CROSSFADE_SECONDS - trim.startSeconds }
      : undefined;
  // a kept leveler's gains follow the recording's content across the pickups' length changes
  const keptLevel = keep?.level
    ? shiftLevel(keep.level, [...(opts.replaced ?? [])].sort((a, b) => a.cut.startSeconds - b.cut.startSeconds).map((r) => ({ cutStart: r.cut.startSeconds, cutEnd: r.cut.endSeconds, shiftSeconds: r.samples.shift / r.samples.rate })))
    : undefined;
  const mastered = await stages.run('master', async (step) => {
    // the adaptive cleanup, measured on the room tone of the pauses the analysis found
    const cleaned = await planCleanup({
      recording,
      sampleRate: info.sampleRate,
      pauses: tap?.recordingPauses() ?? [],
      from: trim.startSeconds,
      to: trim.endSeconds,
      settings: cleanup,
      frames,
      // takes joined into one recording were given one gain each by the joiner (takes/join.ts
      // matchGains: the loudness either side of every join made equal); the leveler's gains
      // match whole passages instead and undo that at the joins (the takes test's first join
      // went to 3.1 LU, its limit is 1.5)
      ...((opts.pieces ?? []).filter((p) => p.role === 'take').length > 1 ? { levelledBy: 'the takes were levelled at their joins when they were joined' } : {}),
      signal: opts.signal,
    });
    const result = await master({
    input: recording,
    output: files.audio,
    channels: info.channels,
    target: loudnessTarget,
    // the gain is planned for the levelled speech: the first pass's figures as the leveler leaves them
    measured: cleaned.level ? leveledMeasurement(measurement, frames, cleaned.level) : measurement,
    ...(cleaned.level ? { level: cleaned.level } : {}),
    chapters: playerChapters(chapters, config.feed.chapterTitles),
    cleanup: cleaned.filters,
    trim: trim.startSeconds > 0 || trim.endSeconds < info.durationSeconds ? trim : undefined,
    ...(pauseCuts.cuts.length ? { cuts: pauseCuts.cuts } : {}),
    program,
    format: config.output,
    tags: {
      title: episodeTitle(config.show.episodeTitle, issue),
      artist: config.show.narrator ?? config.show.author,
      album: config.show.title,
      track: issue.number,
      year,
      comment: issue.url,
    },
    cover: config.resolved.image,
    onProgress: step.seconds(episodeSeconds),
    ...(keep ? { keep: { ...(keep.pre ? { pre: keep.pre } : {}), ...(realign ? { realign } : {}), residualGainDb: keep.residualGainDb, gainDb: keep.gainDb, limiter: keep.limiter, truePeakDbtp: keep.truePeakDbtp, ...(keptLevel ? { level: keptLevel } : {}), ...(earlier ? { earlier } : {}) } } : {}),
    });
    return { ...result, cleanup: { ...cleaned.report, ...(pauseCuts.maxSeconds !== null ? { pauses: pauseCuts } : {}) }, level: cleaned.level };
  });
  warnings.push(...mastered.warnings);

  return stages.run('artifacts', async () => {
  await writeTextArtifacts(files, issue, episode, config.feed.chapterTitles);
  const gainDb = mastered.plan.gainDb;
  const full: EpisodeAnalysis = {
    ...analysis,
    loudness: { perSecond: LOUDNESS_PER_SECOND, shortTermLufs: episodeLoudness(curve, gainDb, episodeSeconds, toRecording), targetLufs: target.targetLufs },
  };
  await writeAtomic(analysisPath(outDir), JSON.stringify(full) + '\n');
  const [audioStat, audioHash, outInfo] = await Promise.all([stat(files.audio), sha256File(files.audio).then((h) => h.sha256), probeAudio(files.audio)]);
  const report: EpisodeReport = {
    issue: { number: issue.number, title: issue.title, published: issue.published, url: issue.url },
    recording,
    audio: {
      path: files.audio,
      bytes: audioStat.size,
      durationSeconds: outInfo.durationSeconds,
      sampleRate: outInfo.sampleRate,
      channels: outInfo.channels,
      bitrateKbps: mastered.bitrateKbps,
      sha256: audioHash,
      ...(mastered.frameSplice ? { frameSplice: mastered.frameSplice } : {}),
    },
    loudness: {
      targetLufs: target.targetLufs,
      truePeakTargetDbtp: target.truePeakDbtp,
      mode: 'linear',
      gainDb: Math.round(mastered.plan.gainDb * 100) / 100,
      limiterEngaged: mastered.plan.limiter.engaged,
      encodes: mastered.encodes,
      // of the recording after cleanup (the high-pass), which is what the gain applies to
      input: { integratedLufs: measurement.integratedLufs, truePeakDbtp: measurement.truePeakDbtp, lraLu: measurement.lraLu },
      output: mastered.output,
      plan: {
        pre: mastered.plan.pre ?? null,
        residualGainDb: mastered.plan.residualGainDb,
        gainDb: mastered.plan.gainDb,
        limiter: mastered.plan.limiter,
        truePeakDbtp: mastered.plan.truePeakDbtp,
        channels: mastered.channels,
        trimStartSeconds: trim.startSeconds,
        recordingSha256: mastered.kept && keep ? keep.recordingSha256 : sourceHash,
        kept: mastered.kept,
        ...(mastered.kept && realign ? { realign } : {}),
        ...(mastered.kept ? (keptLevel ? { level: keptLevel } : {}) : mastered.level ? { level: mastered.level } : {}),
      },
    },
    quality: {
      highpassHz: cleanup.enabled ? cleanup.highpassHz : null,
      trimmedHeadSeconds: trim.headSeconds,
      trimmedTailSeconds: trim.tailSeconds,
      recordingSeconds: info.durationSeconds,
      speechSeconds: aligned.speech.seconds,
      introSeconds: intro ? Math.round(intro.durationSeconds * 1000) / 1000 : 0,
      outroSeconds: outro ? Math.round(outro.durationSeconds * 1000) / 1000 : 0,
      speechOffsetSeconds: offset,
      episodeSeconds: outInfo.durationSeconds,
    },
    cleanup: mastered.kept && keep ? { ...mastered.cleanup, filters: keep.pre ?? null, kept: true } : mastered.cleanup,
    chapters,
    skipped: episode.skipped,
    files,
    warnings,
    source: { bytes: info.bytes, sha256: sourceHash, issueSha256: (await sha256File(issue.source)).sha256, settings: buildSettings(config) },
    builtAt: new Date().toISOString(),
    ...(episode.corrections ? { corrections: episode.corrections } : {}),
    ...(opts.pieces ? { pieces: opts.pieces } : {}),
    ...(opts.replaced ? { replaced: opts.replaced } : {}),
  };
  await writeAtomic(files.report, JSON.stringify(report, null, 2) + '\n');
  return report;
  });
}
