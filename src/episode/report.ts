/**
 * The episode report: what `build --json` prints and what `episode.json` holds
 * (the public document of DESIGN.md). Later stages (store, feed) read it.
 */
import type { LevelPlan } from '../audio/cleanup/leveler.js';
import type { CleanupReport } from '../audio/cleanup/plan.js';
import type { PauseReport } from '../audio/pauses.js';
import type { Realign } from '../audio/master.js';
export interface LoudnessFigures {
  integratedLufs: number;
  truePeakDbtp: number;
  lraLu: number;
}

export interface MasterPlanReport {
  /** Filters before the gain (cleanup, limiter with its pre-gain), or null. */
  pre: string | null;
  residualGainDb: number;
  gainDb: number;
  limiter: { engaged: boolean; ceilingDbtp?: number; preGainDb?: number };
  truePeakDbtp: number;
  /** Channels of the MP3 it was made for. */
  channels: number;
  /** Where the master's kept part starts in the recording (s): a pickup build keeps it too. */
  trimStartSeconds?: number;
  /** The recording it was planned for (an earlier build's, when `kept`). */
  recordingSha256: string;
  /** Taken from an earlier build as it was (not planned for this recording). */
  kept: boolean;
  /** With `kept` and a denoiser in `pre`: the length change its second run followed (audio/master.ts `Realign`). */
  realign?: Realign;
  /** The leveler's gains the master ran with (its `pre` holds master.ts LEVEL_SLOT); a pickup build keeps them. */
  level?: LevelPlan;
}

export interface ChapterReport {
  /** The section id this chapter belongs to ("s3"). */
  id: string;
  title: string;
  startSeconds: number;
  endSeconds: number;
  /** 0–1: how sure the aligner is of this start. */
  confidence: number;
  url?: string;
  /** Placed or renamed by the producer (the corrections file), not by the aligner. */
  corrected?: boolean;
}

export interface EpisodeReport {
  issue: { number: number; title: string; published?: string; url?: string };
  recording: string;
  audio: {
    path: string;
    bytes: number;
    durationSeconds: number;
    sampleRate: number;
    channels: number;
    bitrateKbps: number;
    sha256: string;
    /**
     * A build with a pickup: whether the earlier episode's MP3 frames were kept outside the
     * replaced span (the new encode's used from `newFromSeconds` to `newToSeconds`, and from
     * `tailFromSeconds` when the tails differ), or why the file was encoded whole.
     */
    frameSplice?: import('../audio/master.js').FrameSpliceReport;
  };
  loudness: {
    targetLufs: number;
    truePeakTargetDbtp: number;
    mode: 'linear';
    gainDb: number;
    /** Whether a true-peak limiter ran before the linear gain. */
    limiterEngaged: boolean;
    /** Whole-file encodes it took to land on target (1 unless a correction was needed). */
    encodes: number;
    input: LoudnessFigures;
    output: LoudnessFigures;
    /**
     * The filters and gain the recording was mastered with, and the recording they were
     * planned for (its sha256): a build with a pickup spliced in masters with the plan of
     * the build without it, so the episode outside the replaced part stays the same.
     */
    plan?: MasterPlanReport;
  };
  /** What mastering did besides the gain, and the durations before and after. */
  quality: {
    /** The high-pass cutoff of the speech cleanup (Hz), or null when cleanup is off. */
    highpassHz: number | null;
    /** Silence cut before the first and after the last speech (s). */
    trimmedHeadSeconds: number;
    trimmedTailSeconds: number;
    recordingSeconds: number;
    /** Speech in the recording (s), from the aligner's pause detection. */
    speechSeconds: number;
    /** Intro and outro music (s), 0 without. */
    introSeconds: number;
    outroSeconds: number;
    /** Where the recording's kept part starts in the episode (s): after the intro music. */
    speechOffsetSeconds: number;
    episodeSeconds: number;
  };
  /**
   * The speech cleanup: each step, what it measured on the room tone and whether it ran
   * (audio/cleanup/plan.ts). `kept`: a pickup build mastered with the earlier build's chain
   * (`filters`), the measurements being this recording's.
   */
  cleanup?: CleanupReport & { kept?: boolean; pauses?: PauseReport };
  chapters: ChapterReport[];
  /** Sections the narrator did not read: reported, and given no chapter. */
  skipped: { id: string; title: string }[];
  /** Absolute paths of the artifacts in the build's output folder. */
  files: {
    audio: string;
    chapters: string;
    notes: string;
    report: string;
    transcriptVtt?: string;
    transcriptSrt?: string;
  };
  warnings: string[];
  /** What the build was made from, so a changed take, text or setting triggers a rebuild. */
  source: { bytes: number; sha256: string; issueSha256: string; settings: string };
  builtAt: string;
  /** The corrections file applied (corrections.ts), with what it changed; absent when none was. */
  corrections?: { file: string; sha256: string; applied: string[] };
  /**
   * The recordings the episode was made from when it is more than one (takes joined in the
   * order found by listening, pickups spliced in): each with its sha256 and where its kept
   * part went. `recording` is then the joined file the build mastered.
   */
  pieces?: EpisodePiece[];
  /** What each pickup replaced (times in the recording mastered before and after it). */
  replaced?: EpisodeReplacement[];
}

export interface EpisodePiece {
  file: string;
  sha256: string;
  role: 'take' | 'pickup';
  /** The sections it reads (ids). */
  sections: string[];
  /** The part of it used (s in the file) and where that part starts in the recording mastered (s). */
  sourceStartSeconds: number;
  sourceEndSeconds: number;
  offsetSeconds: number;
  gainDb: number;
}

/** A span of the text re-read by a pickup, and where it went (takes/pickup.ts). */
export interface EpisodeReplacement {
  file: string;
  /** The text span re-read: its sections, first and last sentence (indexes in the issue's sentences), and its words. */
  sections: string[];
  firstSentence: number;
  lastSentence: number;
  text: string;
  score: number;
  /** The best score anywhere else in the text (the place's lead over it is the evidence). */
  elsewhereScore: number | null;
  /** In the recording before (old) and after (new) the splice, seconds. */
  old: { startSeconds: number; endSeconds: number; durationSeconds: number };
  new: { startSeconds: number; endSeconds: number; durationSeconds: number };
  /** The cut in the old recording and the crossfade centres in the new one. */
  cut: { startSeconds: number; endSeconds: number };
  seams: [number, number];
  gainDb: number;
  /** The splice exactly, in samples of the recording mastered: the cut and the shift of everything after it. */
  samples: { rate: number; cutStart: number; cutEnd: number; shift: number };
}
