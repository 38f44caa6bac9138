/**
 * The synthetic reference: every section's text split into sentences, each sentence
 * synthesized by espeak-ng, laid end to end with fixed gaps and fed straight into the
 * feature extractor (the reference audio itself is never held whole). Because the
 * layout is ours, each sentence's and section's start in the reference is exact.
 */
import { synthesizePieces, type SynthStats } from './espeak.js';
import { MelExtractor, type FeatureOptions, type MelFeatures } from '../signal/mfcc.js';
import { splitSentences, spokenForReference } from './sentences.js';

export interface ReferenceSentence {
  section: number;
  text: string;
  /** Start and end of its speech in the reference (seconds); equal when unspeakable. */
  startSeconds: number;
  endSeconds: number;
}

export interface Reference {
  mel: MelFeatures;
  sentences: ReferenceSentence[];
  /** Per section: index of its first sentence in `sentences` (sections have ≥ 1). */
  firstSentence: number[];
  /** Per section: start of its speech in the reference. */
  sectionStarts: number[];
  speechStart: number;
  speechEnd: number;
  seconds: number;
  synth: SynthStats;
}

export interface ReferenceOptions {
  voice: string;
  wordsPerMinute: number;
  signal?: AbortSignal;
  features?: Partial<FeatureOptions>;
  /** Silence before the first sentence, between sentences, between sections. */
  leadSeconds?: number;
  sentenceGapSeconds?: number;
  sectionGapSeconds?: number;
  onProgress?: (fraction: number) => void;
  /** Roughly how long the reference will be (sizes its feature buffers; optional). */
  expectedSeconds?: number;
}

export async function buildReference(sections: readonly { text: string }[], opts: ReferenceOptions): Promise<Reference> {
  const lead = opts.leadSeconds ?? 0.3;
  const sentenceGap = opts.sentenceGapSeconds ?? 0.3;
  const sectionGap = opts.sectionGapSeconds ?? 0.6;
  const sentences: ReferenceSentence[] = [];
  const firstSentence: number[] = [];
  sections.forEach((s, k) => {
    firstSentence.push(sentences.length);
    const parts = splitSentences(s.text);
    if (parts.length === 0) parts.push('');
    for (const text of parts) sentences.push({ section: k, text, startSeconds: 0, endSeconds: 0 });
  });
  let extractor: MelExtractor | undefined;
  let sampleRate = 0;
  let delivered = 0;
  const synth = await synthesizePieces(
    sentences.map((s) => spokenForReference(s.text)),
    { voice: opts.voice, wordsPerMinute: opts.wordsPerMinute, signal: opts.signal },
    (index, samples, rate) => {
      if (!extractor) {
        sampleRate = rate;
        extractor = new MelExtractor(rate, opts.features, opts.expectedSeconds ?? 0);
        extractor.pushSilence(lead);
      } else if (rate !== sampleRate) throw new Error(`espeak-ng changed sample rate mid-stream (${sampleRate} → ${rate})`);
      const s = sentences[index];
      if (index > 0 && samples.length > 0) {
        extractor.pushSilence(sentences[index - 1].section !== s.section ? sectionGap : sentenceGap);
      }
      s.startSeconds = extractor.sampleCount / rate;
      extractor.push(samples);
      s.endSeconds = extractor.sampleCount / rate;
      delivered++;
      opts.onProgress?.(delivered / sentences.length);
    },
  );
  if (!extractor) throw new Error('nothing to synthesize');
  extractor.pushSilence(lead);
  const mel = extractor.finish();
  const sectionStarts = firstSentence.map((f, k) => {
    // the first sentence with speech in this section (else where it would have been)
    const end = k + 1 < firstSentence.length ? firstSentence[k + 1] : sentences.length;
    for (let i = f; i < end; i++) if (sentences[i].endSeconds > sentences[i].startSeconds) return sentences[i].startSeconds;
    return sentences[f].startSeconds;
  });
  const spoken = sentences.filter((s) => s.endSeconds > s.startSeconds);
  return {
    mel,
    sentences,
    firstSentence,
    sectionStarts,
    speechStart: spoken.length ? spoken[0].startSeconds : 0,
    speechEnd: spoken.length ? spoken[spoken.length - 1].endSeconds : 0,
    seconds: mel.samples / sampleRate,
    synth,
  };
}
