/**
 * The alignment evaluation corpus: named cases, each a seeded recipe for a script (see
 * compose.ts). (a) Synthetic narrations of parts of real issues in ../shared/newsletters,
 * read by flite/espeak-ng voices at various rates, with the things real narrators do:
 * a spoken intro, ad-libs between sections, a skipped summary, a stumble or a re-read
 * sentence, tempo drift, and a room: noise, mains hum, a level drop. (b) The real human
 * readings in ../shared/speech: sonnets as sections, the German and Spanish readings
 * (and JFK) spliced in as unscripted speech.
 *
 * "Read more" lines need no work here: the newsletter parser already drops them (and
 * "Prerequisites" / "See also" link lists) from a section's spoken text, so the narrator
 * skips them and so does the aligner's text.
 *
 * `ci: true` marks the small subset that test/eval/ci-subset.test.ts runs.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { splitSentences, countWords } from '../speech/sentences.js';
import { sharedDir } from '../bench/narrations.js';
import { prng } from '../demo/narrate.js';
import { readIssue } from '../newsletter/index.js';
import type { CaseSection, Effects, Part, Script, Segment, TtsVoice } from './compose.js';

export interface EvalCase {
  name: string;
  description: string;
  seed: number;
  /** In the fast CI subset. */
  ci?: boolean;
  /** Built from real human speech. */
  real?: boolean;
  script(): Promise<Script>;
}

// ---------------------------------------------------------------------------------------
// building blocks

const AD_LIBS = [
  'Quick note before the next one: if you have feedback on the podcast, just reply to the email.',
  "Sorry, my neighbour is drilling again. Let's keep going.",
  'That was a dense one. The short version is that the method works, but it needs a lot of human data.',
  'Okay. Let me take a quick sip of water.',
  'I really liked this next paper, so bear with me.',
  'Alright, moving on.',
  'By the way, the spreadsheet with all the summaries is linked in the show notes.',
  'Hmm, I think I mispronounced that name, apologies to the authors.',
];

function introText(issue: number, rnd: () => number): string {
  const days = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];
  const day = days[Math.floor(rnd() * days.length)];
  return `Hi, this is the Alignment Newsletter podcast, issue ${issue}, recorded on ${day}. I'm reading this one myself, so please forgive the occasional stumble.`;
}

const OUTRO = "That's all for this week. Thanks for listening, and see you next time.";

/** Sections of a real issue: from `from`, each cut to ≤ `sectionWords` (whole sentences), until `maxWords`. */
export async function issueSections(file: string, opts: { from?: number; maxWords: number; sectionWords?: number }): Promise<{ number: number; sections: CaseSection[] }> {
  const issue = await readIssue(join(sharedDir(), 'newsletters', file));
  const out: CaseSection[] = [];
  let words = 0;
  for (const s of issue.sections.slice(opts.from ?? 0)) {
    if (countWords(s.text) === 0) continue;
    let text = s.text;
    if (opts.sectionWords && countWords(text) > opts.sectionWords) {
      const sentences = splitSentences(text);
      const kept: string[] = [];
      let n = 0;
      for (const sentence of sentences) {
        if (kept.length > 0 && n + countWords(sentence) > opts.sectionWords) break;
        kept.push(sentence);
        n += countWords(sentence);
      }
      text = kept.join(' ');
    }
    out.push({ id: s.id, kind: s.kind, title: s.title, text });
    words += countWords(text);
    if (words >= opts.maxWords) break;
  }
  return { number: issue.number, sections: out };
}

export interface NarratorPlan {
  voice: TtsVoice;
  /** Spoken intro (not in the text) with this issue number. */
  intro?: number;
  outro?: boolean;
  /** Ad-libs in this many of the gaps between sections. */
  adLibs?: number;
  /** This many summaries (never the first or last section) are not read. */
  skip?: number;
  /** Sentences started, broken off after a few words, and started again. */
  stumbles?: number;
  /** Sentences read twice. */
  repeats?: number;
  /** Per-section atempo drawn from this range. */
  tempoDrift?: [number, number];
  /** Pause between segments, seconds (default 0.7–1.8). */
  pause?: [number, number];
  /** Unscripted real readings (paths under ../shared) spoken right before section #index. */
  inserts?: { before: number; file: string }[];
  effects?: Effects;
}

function pick(rnd: () => number, candidates: number[], count: number): Set<number> {
  const pool = [...candidates];
  const out = new Set<number>();
  while (out.size < count && pool.length > 0) out.add(pool.splice(Math.floor(rnd() * pool.length), 1)[0]);
  return out;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** A script: `sections` read by one TTS voice with the perturbations of `plan`. */
export function narrated(sections: CaseSection[], plan: NarratorPlan, seed: number): Script {
  const rnd = prng(seed);
  const n = sections.length;
  const [p0, p1] = plan.pause ?? [0.7, 1.8];
  const pause = (): Segment => ({ kind: 'pause', seconds: r3(p0 + (p1 - p0) * rnd()) });
  const skipped = pick(
    rnd,
    sections.map((_, k) => k).filter((k) => k > 0 && k < n - 1 && sections[k].kind === 'summary'),
    plan.skip ?? 0,
  );
  for (const k of [...skipped]) if (skipped.has(k + 1)) skipped.delete(k + 1);
  const present = sections.map((_, k) => k).filter((k) => !skipped.has(k));
  const adLibGaps = pick(rnd, present.slice(1), plan.adLibs ?? 0);
  const multi = present.filter((k) => splitSentences(sections[k].text).length >= 2);
  const stumbles = pick(rnd, multi, plan.stumbles ?? 0);
  const repeats = pick(rnd, multi.filter((k) => !stumbles.has(k)), plan.repeats ?? 0);
  let adLib = Math.floor(rnd() * AD_LIBS.length);

  const segments: Segment[] = [{ kind: 'pause', seconds: r3(0.4 + 0.6 * rnd()) }];
  const tts = (text: string, tempo?: number): Part => (tempo === undefined ? { tts: text, voice: plan.voice } : { tts: text, voice: plan.voice, tempo });
  if (plan.intro !== undefined) segments.push({ kind: 'unscripted', label: 'intro', parts: [tts(introText(plan.intro, rnd))] }, pause());
  let first = true;
  for (const k of present) {
    if (!first) segments.push(pause());
    first = false;
    if (adLibGaps.has(k)) segments.push({ kind: 'unscripted', label: `ad-lib before ${sections[k].id}`, parts: [tts(AD_LIBS[adLib++ % AD_LIBS.length])] }, pause());
    for (const ins of plan.inserts ?? []) {
      if (ins.before === k) segments.push({ kind: 'unscripted', label: `${ins.file} before ${sections[k].id}`, parts: [{ file: ins.file }] }, pause());
    }
    const tempo = plan.tempoDrift ? r3(plan.tempoDrift[0] + (plan.tempoDrift[1] - plan.tempoDrift[0]) * rnd()) : undefined;
    const text = sections[k].text;
    let parts: Part[];
    if (stumbles.has(k) || repeats.has(k)) {
      const ss = splitSentences(text);
      const at = 1 + Math.floor(rnd() * (ss.length - 1));
      const before = ss.slice(0, at).join(' ');
      const rest = ss.slice(at).join(' ');
      if (stumbles.has(k)) {
        const words = ss[at].split(/\s+/);
        const partial = words.slice(0, Math.min(words.length - 1, 2 + Math.floor(rnd() * 3))).join(' ').replace(/[,;:.!?]+$/, '');
        parts = [tts(before, tempo), { pause: 0.35 }, tts(partial || words[0], tempo), { pause: 0.5 }, tts(rest, tempo)];
      } else {
        parts = [tts(before, tempo), { pause: 0.6 }, tts(ss[at - 1], tempo), { pause: 0.5 }, tts(rest, tempo)];
      }
    } else parts = [tts(text, tempo)];
    segments.push({ kind: 'section', id: sections[k].id, parts });
  }
  if (plan.outro) segments.push(pause(), { kind: 'unscripted', label: 'outro', parts: [tts(OUTRO)] });
  segments.push({ kind: 'pause', seconds: r3(0.8 + 0.8 * rnd()) });
  const script: Script = { seed, sections, segments };
  if (plan.effects) script.effects = plan.effects;
  return script;
}

/** Sonnet `n` (1–3) as a section: its .txt, heading line first. */
export async function sonnetSection(n: number): Promise<CaseSection> {
  const file = join(sharedDir(), 'speech', `sonnet-p00${n}.txt`);
  const lines = (await readFile(file, 'utf8')).split('\n').map((l) => l.trim()).filter(Boolean);
  return { id: `sonnet-${n}`, kind: 'summary', title: `Sonnet ${lines[0]}`, text: lines.join('\n') };
}

const sonnetFile = (n: number) => `speech/sonnet-p00${n}.mp3`;
const DE = 'speech/reading-de.mp3';
const ES = 'speech/reading-es.mp3';
const JFK = 'speech/jfk.wav';

// ---------------------------------------------------------------------------------------
// the corpus

const v = (engine: TtsVoice['engine'], voice: string, wordsPerMinute?: number): TtsVoice =>
  wordsPerMinute === undefined ? { engine, voice } : { engine, voice, wordsPerMinute };

export const CORPUS: EvalCase[] = [
  {
    name: 'ci-synthetic',
    description: 'an-083, flite kal 170 wpm: spoken intro, an ad-lib, a skipped summary, white noise −50 dBFS (~2 min)',
    seed: 101,
    ci: true,
    async script() {
      const { number, sections } = await issueSections('an-083.md', { maxWords: 330, sectionWords: 55 });
      return narrated(sections, { voice: v('flite', 'kal', 170), intro: number, adLibs: 1, skip: 1, effects: { noise: { dbfs: -50 } } }, this.seed);
    },
  },
  {
    name: 'ci-espeak-tempo',
    description: 'an-085, espeak-ng en-us+m3 180 wpm: a stumble, atempo 1.1, hum −45 dBFS, −10 dB drop at 50 % (~1.5 min)',
    seed: 102,
    ci: true,
    async script() {
      const { sections } = await issueSections('an-085.md', { maxWords: 260, sectionWords: 60 });
      return narrated(
        sections,
        { voice: v('espeak-ng', 'en-us+m3', 180), stumbles: 1, effects: { tempo: 1.1, hum: { dbfs: -45 }, levelDrop: { atFraction: 0.5, db: -10 } } },
        this.seed,
      );
    },
  },
  {
    name: 'real-sonnets-de',
    description: 'sonnets I–III (LibriVox), the German reading spliced between I and II as unscripted speech (~4 min)',
    seed: 201,
    ci: true,
    real: true,
    async script() {
      const sections = await Promise.all([1, 2, 3].map(sonnetSection));
      return {
        seed: this.seed,
        sections,
        segments: [
          { kind: 'pause', seconds: 0.6 },
          { kind: 'section', id: 'sonnet-1', parts: [{ file: sonnetFile(1) }] },
          { kind: 'pause', seconds: 1.2 },
          { kind: 'unscripted', label: 'German reading', parts: [{ file: DE }] },
          { kind: 'pause', seconds: 1.0 },
          { kind: 'section', id: 'sonnet-2', parts: [{ file: sonnetFile(2) }] },
          { kind: 'pause', seconds: 1.6 },
          { kind: 'section', id: 'sonnet-3', parts: [{ file: sonnetFile(3) }] },
          { kind: 'pause', seconds: 1.0 },
        ],
      };
    },
  },
  {
    name: 'clean-slt',
    description: 'an-079 from the start, flite slt, no perturbations: the baseline (~4 min)',
    seed: 1,
    async script() {
      const { sections } = await issueSections('an-079.md', { maxWords: 650, sectionWords: 110 });
      return narrated(sections, { voice: v('flite', 'slt') }, this.seed);
    },
  },
  {
    name: 'intro-adlibs-awb',
    description: 'an-080, flite awb 160 wpm: spoken intro, 3 ad-libs, outro (~4 min)',
    seed: 2,
    async script() {
      const { number, sections } = await issueSections('an-080.md', { maxWords: 600, sectionWords: 130 });
      return narrated(sections, { voice: v('flite', 'awb', 160), intro: number, adLibs: 3, outro: true }, this.seed);
    },
  },
  {
    name: 'skip-espeak-m3',
    description: 'an-083 (later part), espeak-ng en-us+m3 160 wpm: intro, 2 skipped summaries, white noise −50 dBFS, outro (~4 min)',
    seed: 3,
    async script() {
      const { number, sections } = await issueSections('an-083.md', { from: 8, maxWords: 700, sectionWords: 90 });
      return narrated(sections, { voice: v('espeak-ng', 'en-us+m3', 160), intro: number, skip: 2, outro: true, effects: { noise: { dbfs: -50 } } }, this.seed);
    },
  },
  {
    name: 'tempo-rms',
    description: 'an-088, flite rms: per-section atempo 0.9–1.05 then atempo 1.15 on the whole file, an ad-lib (~3.5 min)',
    seed: 4,
    async script() {
      const { sections } = await issueSections('an-088.md', { maxWords: 700, sectionWords: 100 });
      return narrated(sections, { voice: v('flite', 'rms'), adLibs: 1, tempoDrift: [0.9, 1.05], effects: { tempo: 1.15 } }, this.seed);
    },
  },
  {
    name: 'noisy-hum-drop-gb',
    description: 'an-090, espeak-ng en-gb+f2 190 wpm: intro, pink noise −40 dBFS, hum −45 dBFS, −10 dB drop at 50 % (~3 min)',
    seed: 5,
    async script() {
      const { number, sections } = await issueSections('an-090.md', { maxWords: 600, sectionWords: 100 });
      return narrated(
        sections,
        {
          voice: v('espeak-ng', 'en-gb+f2', 190),
          intro: number,
          effects: { noise: { dbfs: -40, color: 'pink' }, hum: { dbfs: -45 }, levelDrop: { atFraction: 0.5, db: -10 } },
        },
        this.seed,
      );
    },
  },
  {
    name: 'everything-f4',
    description: 'an-092, espeak-ng en-us+f4 200 wpm: intro, 2 ad-libs, a skipped summary, a stumble, brown noise −55 dBFS, −10 dB drop at 40 % (~4 min)',
    seed: 6,
    async script() {
      const { number, sections } = await issueSections('an-092.md', { maxWords: 800, sectionWords: 110 });
      return narrated(
        sections,
        {
          voice: v('espeak-ng', 'en-us+f4', 200),
          intro: number,
          adLibs: 2,
          skip: 1,
          stumbles: 1,
          effects: { noise: { dbfs: -55, color: 'brown' }, levelDrop: { atFraction: 0.4, db: -10 } },
        },
        this.seed,
      );
    },
  },
  {
    name: 'slow-kal16',
    description: 'an-095, flite kal16 140 wpm: a stumble and a re-read sentence, atempo 0.9, hum −48 dBFS, white noise −52 dBFS (~5 min)',
    seed: 7,
    async script() {
      const { sections } = await issueSections('an-095.md', { maxWords: 620, sectionWords: 100 });
      return narrated(
        sections,
        { voice: v('flite', 'kal16', 140), stumbles: 1, repeats: 1, effects: { tempo: 0.9, hum: { dbfs: -48 }, noise: { dbfs: -52 } } },
        this.seed,
      );
    },
  },
  {
    name: 'an102-plain-slt',
    description: 'an-102.txt (plain text), flite slt 175 wpm: intro, 2 ad-libs, a skipped summary, a re-read sentence, atempo drift 0.95–1.1, pink noise −45 dBFS (~5 min)',
    seed: 8,
    async script() {
      const { number, sections } = await issueSections('an-102.txt', { maxWords: 900, sectionWords: 130 });
      return narrated(
        sections,
        {
          voice: v('flite', 'slt', 175),
          intro: number,
          adLibs: 2,
          skip: 1,
          repeats: 1,
          tempoDrift: [0.95, 1.1],
          effects: { noise: { dbfs: -45, color: 'pink' } },
        },
        this.seed,
      );
    },
  },
  {
    name: 'real-sonnets-es-noise-tempo',
    description: 'sonnets II, III, I; the Spanish reading before I; atempo 1.1, pink noise −45 dBFS, hum −50 dBFS (~3.5 min)',
    seed: 202,
    real: true,
    async script() {
      const sections = await Promise.all([2, 3, 1].map(sonnetSection));
      return {
        seed: this.seed,
        sections,
        segments: [
          { kind: 'pause', seconds: 0.9 },
          { kind: 'section', id: 'sonnet-2', parts: [{ file: sonnetFile(2) }] },
          { kind: 'pause', seconds: 1.4 },
          { kind: 'section', id: 'sonnet-3', parts: [{ file: sonnetFile(3) }] },
          { kind: 'pause', seconds: 0.8 },
          { kind: 'unscripted', label: 'Spanish reading', parts: [{ file: ES }] },
          { kind: 'pause', seconds: 1.1 },
          { kind: 'section', id: 'sonnet-1', parts: [{ file: sonnetFile(1) }] },
          { kind: 'pause', seconds: 1.0 },
        ],
        effects: { tempo: 1.1, noise: { dbfs: -45, color: 'pink' }, hum: { dbfs: -50 } },
      };
    },
  },
  {
    name: 'real-sonnets-skip-jfk',
    description: 'JFK (English, unscripted) as the intro, sonnet I, the Spanish reading, sonnet II skipped, sonnet III at atempo 0.92; white noise −50 dBFS, −10 dB drop at 55 % (~3 min)',
    seed: 203,
    real: true,
    async script() {
      const sections = await Promise.all([1, 2, 3].map(sonnetSection));
      return {
        seed: this.seed,
        sections,
        segments: [
          { kind: 'pause', seconds: 0.5 },
          { kind: 'unscripted', label: 'JFK', parts: [{ file: JFK }] },
          { kind: 'pause', seconds: 1.3 },
          { kind: 'section', id: 'sonnet-1', parts: [{ file: sonnetFile(1) }] },
          { kind: 'pause', seconds: 1.0 },
          { kind: 'unscripted', label: 'Spanish reading', parts: [{ file: ES }] },
          { kind: 'pause', seconds: 1.2 },
          { kind: 'section', id: 'sonnet-3', parts: [{ file: sonnetFile(3), tempo: 0.92 }] },
          { kind: 'pause', seconds: 1.0 },
        ],
        effects: { noise: { dbfs: -50 }, levelDrop: { atFraction: 0.55, db: -10 } },
      };
    },
  },
  {
    name: 'real-sonnets-tts-adlibs',
    description: 'a synthesized intro (espeak-ng), sonnets I–III with atempo 0.95/1.05/1.0, a TTS ad-lib, the German reading, the Spanish reading as a foreign outro (~5 min)',
    seed: 204,
    real: true,
    async script() {
      const sections = await Promise.all([1, 2, 3].map(sonnetSection));
      const voice = v('espeak-ng', 'en-us+m7', 165);
      return {
        seed: this.seed,
        sections,
        segments: [
          { kind: 'pause', seconds: 0.7 },
          { kind: 'unscripted', label: 'intro', parts: [{ tts: 'Hello and welcome. Today I am reading three sonnets by William Shakespeare, and a few other things.', voice }] },
          { kind: 'pause', seconds: 1.1 },
          { kind: 'section', id: 'sonnet-1', parts: [{ file: sonnetFile(1), tempo: 0.95 }] },
          { kind: 'pause', seconds: 0.9 },
          { kind: 'unscripted', label: 'ad-lib', parts: [{ tts: 'That was the first one. The second sonnet continues the same argument.', voice }] },
          { kind: 'pause', seconds: 1.0 },
          { kind: 'section', id: 'sonnet-2', parts: [{ file: sonnetFile(2), tempo: 1.05 }] },
          { kind: 'pause', seconds: 1.3 },
          { kind: 'unscripted', label: 'German reading', parts: [{ file: DE }] },
          { kind: 'pause', seconds: 0.9 },
          { kind: 'section', id: 'sonnet-3', parts: [{ file: sonnetFile(3) }] },
          { kind: 'pause', seconds: 1.5 },
          { kind: 'unscripted', label: 'Spanish outro', parts: [{ file: ES }] },
          { kind: 'pause', seconds: 1.0 },
        ],
      };
    },
  },
  {
    name: 'long-awb-15min',
    description: 'an-097, flite awb 165 wpm, ~15 min: intro, 3 ad-libs, 2 skipped summaries, 2 stumbles, a re-read sentence, atempo drift 0.93–1.08, the German reading as an insert, pink noise −48 dBFS, hum −52 dBFS, −10 dB drop at 60 %',
    seed: 9,
    async script() {
      const { number, sections } = await issueSections('an-097.md', { maxWords: 2350, sectionWords: 350 });
      return narrated(
        sections,
        {
          voice: v('flite', 'awb', 165),
          intro: number,
          outro: true,
          adLibs: 3,
          skip: 2,
          stumbles: 2,
          repeats: 1,
          tempoDrift: [0.93, 1.08],
          inserts: [{ before: Math.floor(sections.length / 2), file: DE }],
          effects: { noise: { dbfs: -48, color: 'pink' }, hum: { dbfs: -52 }, levelDrop: { atFraction: 0.6, db: -10 } },
        },
        this.seed,
      );
    },
  },
  {
    name: 'long-rp-15min',
    description: 'an-099 and on, espeak-ng en-gb-x-rp 175 wpm, ~15 min: intro, 2 ad-libs, a skipped summary, white noise −52 dBFS',
    seed: 10,
    async script() {
      const { number, sections } = await issueSections('an-099.md', { maxWords: 2600, sectionWords: 400 });
      return narrated(
        sections,
        { voice: v('espeak-ng', 'en-gb-x-rp', 175), intro: number, adLibs: 2, skip: 1, effects: { noise: { dbfs: -52 } } },
        this.seed,
      );
    },
  },
];

export function findCase(name: string): EvalCase {
  const c = CORPUS.find((x) => x.name === name);
  if (!c) throw new Error(`no eval case "${name}"; cases: ${CORPUS.map((x) => x.name).join(', ')}`);
  return c;
}
