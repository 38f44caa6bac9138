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
 * Splits: `tune` cases use the voices the aligner was tuned on (flite kal, kal16, slt,
 * awb, rms; espeak-ng en-us+m3, en-gb+f2, en-us+f4, en-gb-x-rp, en-us+m7) and the
 * first real-speech cases; `heldout` cases use voices the tuning never saw (festival
 * ked/kal/slt-hts, espeak-ng en-029, en-gb-scotland, en-us-nyc, Lancaster, West Midlands)
 * and new compositions of the real readings (cut into their spoken fragments by
 * fragments.ts). Tune parameters on `tune` only; `heldout` says what users will see.
 * Every voice has a case with an unscripted lead-in (0–30 s) and one cut partway.
 *
 * `ci: true` marks the small subset that test/eval/ci-subset.test.ts runs.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { splitSentences, countWords } from '../speech/sentences.js';
import { sharedDir } from '../devkit/narrations.js';
import { prng } from '../demo/narrate.js';
import { readIssue } from '../newsletter/index.js';
import type { CaseSection, Effects, Part, Script, Segment, TtsVoice } from './compose.js';
import { fragmentTexts, readingFragments, type Reading, type ReadingFragments } from './fragments.js';
import { cacheRoot } from './run.js';

export interface EvalCase {
  name: string;
  description: string;
  seed: number;
  /** In the fast CI subset. */
  ci?: boolean;
  /** Built from real human speech. */
  real?: boolean;
  /** tune: voices the aligner was tuned on; heldout: voices and compositions it never saw. */
  split: 'tune' | 'heldout';
  /**
   * Held-out cases added after the aligner's current rules were written, run once and never
   * looked at while developing them (the held-out cases above have been read while fixing
   * what they showed; these keep the evaluation honest). Reported as their own part.
   */
  fresh?: boolean;
  /** Who reads the sections (e.g. "flite kal", "festival ked_diphone", "librivox sonnets"). */
  voice: string;
  /** The text's language (BCP 47) when not English; passed to the aligner. */
  language?: string;
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

const LEAD_IN_LINES = [
  'Hi everyone, and welcome back.',
  'Before we start, a few announcements.',
  'We are hiring a research assistant; the details are in the show notes.',
  'Thanks to everyone who sent in corrections last week.',
  'This issue was a long one to put together, so let me get right into it.',
  'As always, the opinions are those of the individual summarizers.',
  'If you want to support the newsletter, share it with a friend who might like it.',
  'There is also a survey about the podcast, which takes about five minutes.',
  'Okay, here we go.',
];

/**
 * An unscripted lead-in of roughly `seconds` at `wpm` (the truth measures the real
 * length): under 1.2 s a single "Okay."; otherwise podcast-intro lines until long enough.
 */
export function leadInText(seconds: number, wpm: number, rnd: () => number): string {
  if (seconds < 1.2) return 'Okay.';
  const want = (seconds * wpm) / 60;
  const out: string[] = [];
  let k = Math.floor(rnd() * LEAD_IN_LINES.length);
  let words = 0;
  while (words < want) {
    const line = LEAD_IN_LINES[k++ % LEAD_IN_LINES.length];
    out.push(line);
    words += countWords(line);
    if (out.length > 60) break;
  }
  return out.join(' ');
}

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
  /** An unscripted lead-in of about this many seconds in the narrating voice (see leadInText). */
  leadIn?: number;
  /** …or real speech as the lead-in (path under ../shared, optionally a span of it). */
  leadInFile?: { file: string; span?: [number, number] };
  outro?: boolean;
  /** Ad-libs in this many of the gaps between sections. */
  adLibs?: number;
  /** This many summaries (never the first or last section) are not read. */
  skip?: number;
  /** Sentences started, broken off after a few words, and started again. */
  stumbles?: number;
  /** Sentences read twice. */
  repeats?: number;
  /** Sections whose FIRST sentence is started, broken off after a few words, and started again. */
  firstStumbles?: number;
  /**
   * The recording stops partway through a section (not the first or last read), 25–75 % in;
   * 'last': through the last section read (the text ends there too).
   */
  cut?: boolean | 'last';
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
  // drawn after the original plan's draws, so the cases without these keep their scripts
  const firstStumbles = plan.firstStumbles ? pick(rnd, present.filter((k) => !stumbles.has(k) && !repeats.has(k) && countWords(sections[k].text) >= 4), plan.firstStumbles) : new Set<number>();
  const cutIn = plan.cut === 'last' ? present[present.length - 1] : plan.cut ? [...pick(rnd, present.slice(1, -1).filter((k) => sections[k].kind !== 'heading'), 1)][0] : undefined;
  const cutFraction = plan.cut ? r3(0.25 + 0.5 * rnd()) : 0;
  if (plan.cut && cutIn === undefined) throw new Error('a cut needs at least 3 read sections');
  const wpm = plan.voice.wordsPerMinute ?? 165;

  const segments: Segment[] = [{ kind: 'pause', seconds: r3(0.4 + 0.6 * rnd()) }];
  const tts = (text: string, tempo?: number): Part => (tempo === undefined ? { tts: text, voice: plan.voice } : { tts: text, voice: plan.voice, tempo });
  if (plan.intro !== undefined) segments.push({ kind: 'unscripted', label: 'intro', parts: [tts(introText(plan.intro, rnd))] }, pause());
  if (plan.leadInFile) {
    const part: Part = plan.leadInFile.span ? { file: plan.leadInFile.file, span: plan.leadInFile.span } : { file: plan.leadInFile.file };
    segments.push({ kind: 'unscripted', label: `lead-in ${plan.leadInFile.file}`, parts: [part] }, pause());
  }
  if (plan.leadIn !== undefined && plan.leadIn > 0) segments.push({ kind: 'unscripted', label: `lead-in ~${plan.leadIn} s`, parts: [tts(leadInText(plan.leadIn, wpm, rnd))] }, pause());
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
    } else if (firstStumbles.has(k)) {
      const words = text.split(/\s+/);
      const partial = words.slice(0, Math.min(words.length - 1, 2 + Math.floor(rnd() * 3))).join(' ').replace(/[,;:.!?]+$/, '');
      parts = [tts(partial || words[0], tempo), { pause: 0.45 }, tts(text, tempo)];
    } else parts = [tts(text, tempo)];
    segments.push({ kind: 'section', id: sections[k].id, parts });
  }
  if (plan.outro) segments.push(pause(), { kind: 'unscripted', label: 'outro', parts: [tts(OUTRO)] });
  segments.push({ kind: 'pause', seconds: r3(0.8 + 0.8 * rnd()) });
  const script: Script = { seed, sections, segments };
  if (plan.effects) script.effects = plan.effects;
  if (cutIn !== undefined) script.cut = { section: sections[cutIn].id, fraction: cutFraction };
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
// real readings cut into their spoken fragments (fragments.ts)

const frags = (r: Reading): Promise<ReadingFragments> => readingFragments(r, cacheRoot());
const SONNET: Reading[] = ['sonnet-p001', 'sonnet-p002', 'sonnet-p003'];

/** Fragments `from`…`to` (inclusive) of a reading, with the reader's own pauses between them. */
function span(f: ReadingFragments, from: number, to = from): Part {
  return { file: f.file, span: [f.fragments[from].startSeconds, f.fragments[to].endSeconds] };
}

/** The first `fraction` of fragment `k`: a start broken off mid-word. */
function brokenOff(f: ReadingFragments, k: number, fraction: number): Part {
  const g = f.fragments[k];
  return { file: f.file, span: [g.startSeconds, r3(g.startSeconds + fraction * (g.endSeconds - g.startSeconds))] };
}

/** Sections of a foreign reading: each a group [from, to] of consecutive fragments. */
async function readingSections(reading: Reading, groups: [number, number][], title: string): Promise<CaseSection[]> {
  const texts = await fragmentTexts(reading);
  const lang = reading.slice('reading-'.length);
  return groups.map(([a, b], k) => ({ id: `${lang}-${k + 1}`, kind: 'summary', title: `${title} ${k + 1}`, text: texts.slice(a, b + 1).join('\n') }));
}

const DE_GROUPS: [number, number][] = [
  [0, 5],
  [6, 11],
  [12, 17],
  [18, 23],
];
const ES_GROUPS: [number, number][] = [
  [0, 7],
  [8, 15],
  [16, 23],
  [24, 31],
];
const P = (seconds: number): Segment => ({ kind: 'pause', seconds });

// ---------------------------------------------------------------------------------------
// the corpus

const v = (engine: TtsVoice['engine'], voice: string, wordsPerMinute?: number): TtsVoice =>
  wordsPerMinute === undefined ? { engine, voice } : { engine, voice, wordsPerMinute };

// ---------------------------------------------------------------------------------------
// every tuned voice: an unscripted lead-in (0–30 s) and a recording cut partway

const TUNE_PARTIAL: [TtsVoice, number | 'jfk', string, number, Effects | undefined][] = [
  [v('flite', 'kal', 170), 1, 'an-086.md', 0, undefined],
  [v('flite', 'kal16', 140), 24, 'an-087.md', 0, { noise: { dbfs: -50 } }],
  [v('flite', 'slt'), 4, 'an-089.md', 0, undefined],
  [v('flite', 'awb', 160), 27, 'an-091.md', 0, { hum: { dbfs: -48 } }],
  [v('flite', 'rms'), 12, 'an-093.md', 0, undefined],
  [v('espeak-ng', 'en-us+m3', 170), 0, 'an-094.md', 0, { noise: { dbfs: -48, color: 'pink' } }],
  [v('espeak-ng', 'en-gb+f2', 180), 2, 'an-096.md', 0, undefined],
  [v('espeak-ng', 'en-us+f4', 190), 18, 'an-098.md', 0, { tempo: 1.05 }],
  [v('espeak-ng', 'en-gb-x-rp', 175), 'jfk', 'an-100.md', 0, undefined],
  [v('espeak-ng', 'en-us+m7', 165), 6, 'an-082.md', 0, undefined],
];

const label = (t: TtsVoice) => `${t.engine} ${t.voice}`;
const short = (t: TtsVoice) => t.voice.replace(/_diphone$|^cmu_us_|_arctic_hts$/g, '').replace(/[^a-z0-9]+/gi, '-');

const tunePartial: EvalCase[] = TUNE_PARTIAL.map(([voice, lead, file, from, effects], k) => ({
  name: `cut-lead${lead === 'jfk' ? 'jfk' : lead}-${short(voice)}`,
  description: `${file}, ${label(voice)}${voice.wordsPerMinute ? ` ${voice.wordsPerMinute} wpm` : ''}: ${lead === 'jfk' ? 'JFK (11 s) as the lead-in' : lead ? `a ~${lead} s spoken lead-in` : 'no lead-in'}, the recording cut partway through a section${effects ? ', ' + Object.keys(effects).join('/') : ''} (~2 min)`,
  seed: 301 + k,
  split: 'tune' as const,
  voice: label(voice),
  async script() {
    const { sections } = await issueSections(file, { from, maxWords: 300, sectionWords: 60 });
    const plan: NarratorPlan = { voice, cut: true };
    if (lead === 'jfk') plan.leadInFile = { file: JFK };
    else plan.leadIn = lead;
    if (effects) plan.effects = effects;
    return narrated(sections, plan, this.seed);
  },
}));
// ---------------------------------------------------------------------------------------
// tuned voices with the held-out cases' perturbation mix (a stumble in a section's first
// sentence and one later, a re-read sentence, an ad-lib, a skipped summary): so every kind
// of perturbation the held-out part has can be fitted on the tuning part first
const TUNE_MIX: { voice: TtsVoice; issue: string; leadIn: number; effects: Effects }[] = [
  { voice: v('flite', 'kal', 170), issue: 'an-094.md', leadIn: 6, effects: { noise: { dbfs: -50 } } },
  { voice: v('flite', 'slt', 165), issue: 'an-097.md', leadIn: 0, effects: { tempo: 1.05 } },
  { voice: v('espeak-ng', 'en-us+m3', 175), issue: 'an-099.md', leadIn: 12, effects: { hum: { dbfs: -48 } } },
  { voice: v('espeak-ng', 'en-gb+f2', 185), issue: 'an-091.md', leadIn: 2, effects: { noise: { dbfs: -48, color: 'pink' } } },
];

const tuneMix: EvalCase[] = TUNE_MIX.map(({ voice, issue, leadIn, effects }, k) => ({
  name: `mix-${short(voice)}`,
  description: `${issue}, ${label(voice)}: ${leadIn ? `a ~${leadIn} s lead-in` : 'no lead-in'}, an ad-lib, a skipped summary, a stumble in a section's first sentence and one later, a re-read sentence (~2.5 min)`,
  seed: 451 + k,
  split: 'tune' as const,
  voice: label(voice),
  // in CI: a heading followed by a summary whose first sentence is broken off and read again
  ...(k === 3 ? { ci: true } : {}),
  async script() {
    const { sections } = await issueSections(issue, { maxWords: 380, sectionWords: 70 });
    return narrated(sections, { voice, leadIn, adLibs: 1, skip: 1, firstStumbles: 2, stumbles: 1, repeats: 1, effects }, this.seed);
  },
}));

// held-out voices: a perturbed case and a partial one each

interface HeldOut {
  voice: TtsVoice;
  /** Perturbed case: issue, lead-in (s), effects. */
  a: [string, number, Effects];
  /** Partial case: issue, lead-in (s). */
  b: [string, number];
}

const HELD_OUT: HeldOut[] = [
  { voice: v('festival', 'ked_diphone', 165), a: ['an-081.md', 27, { noise: { dbfs: -50 } }], b: ['an-084.md', 0] },
  { voice: v('festival', 'kal_diphone', 175), a: ['an-086.md', 5, { hum: { dbfs: -46 }, tempo: 1.08 }], b: ['an-087.md', 10] },
  { voice: v('festival', 'cmu_us_slt_arctic_hts'), a: ['an-089.md', 14, { noise: { dbfs: -45, color: 'pink' } }], b: ['an-091.md', 1] },
  { voice: v('espeak-ng', 'en-029+m1', 170), a: ['an-093.md', 0, { tempo: 0.92 }], b: ['an-094.md', 26] },
  { voice: v('espeak-ng', 'en-gb-scotland+f3', 175), a: ['an-096.md', 22, { noise: { dbfs: -52, color: 'brown' }, levelDrop: { atFraction: 0.5, db: -10 } }], b: ['an-098.md', 2] },
  { voice: v('espeak-ng', 'en-us-nyc+m2', 185), a: ['an-100.md', 3.5, { hum: { dbfs: -48, hz: 60 } }], b: ['an-082.md', 16] },
  { voice: v('espeak-ng', 'en-gb-x-gbclan+f1', 160), a: ['an-084.md', 8, { noise: { dbfs: -48 } }], b: ['an-081.md', 0] },
  { voice: v('espeak-ng', 'en-gb-x-gbcwmd+m4', 180), a: ['an-087.md', 1, { tempo: 1.12, noise: { dbfs: -50, color: 'pink' } }], b: ['an-089.md', 7] },
];

const heldOut: EvalCase[] = HELD_OUT.flatMap(({ voice, a, b }, k): EvalCase[] => [
  {
    name: `heldout-${short(voice)}`,
    description: `${a[0]}, ${label(voice)}: ${a[1] ? `a ~${a[1]} s lead-in` : 'no lead-in'}, an ad-lib, a skipped summary, a stumble in a section's first sentence and one later, a re-read sentence, ${Object.keys(a[2]).join('/')} (~2.5 min)`,
    seed: 401 + k,
    split: 'heldout',
    voice: label(voice),
    async script() {
      const { sections } = await issueSections(a[0], { maxWords: 380, sectionWords: 70 });
      return narrated(sections, { voice, leadIn: a[1], adLibs: 1, skip: 1, firstStumbles: 1, stumbles: 1, repeats: 1, effects: a[2] }, this.seed);
    },
  },
  {
    name: `heldout-cut-${short(voice)}`,
    ...(voice.voice === 'kal_diphone' ? { ci: true } : {}),
    description: `${b[0]}, ${label(voice)}: ${b[1] ? `a ~${b[1]} s lead-in` : 'no lead-in'}, cut partway through a section, white noise −55 dBFS (~2 min)`,
    seed: 451 + k,
    split: 'heldout',
    voice: label(voice),
    async script() {
      const { sections } = await issueSections(b[0], { from: 2, maxWords: 320, sectionWords: 60 });
      return narrated(sections, { voice, leadIn: b[1], cut: true, effects: { noise: { dbfs: -55 } } }, this.seed);
    },
  },
]);

const heldOutLong: EvalCase = {
  name: 'heldout-long-ked-16min',
  description: 'an-098, festival ked_diphone 140 wpm, ~16 min, clean: no lead-in, no perturbations',
  seed: 499,
  split: 'heldout',
  voice: 'festival ked_diphone',
  async script() {
    const { sections } = await issueSections('an-098.md', { maxWords: 2700, sectionWords: 400 });
    return narrated(sections, { voice: v('festival', 'ked_diphone', 140) }, this.seed);
  },
};

// ---------------------------------------------------------------------------------------
// real speech composed from fragments

const realFromFragments: EvalCase[] = [
  {
    name: 'real-de-sections-skip',
    description: 'the German reading as 4 sections in German (language de): JFK lead-in (11 s), section 3 not read, 4 Spanish fragments between 2 and 4 (~1.3 min)',
    seed: 501,
    real: true,
    split: 'tune',
    voice: 'librivox de',
    language: 'de',
    async script() {
      const [de, es] = await Promise.all([frags('reading-de'), frags('reading-es')]);
      return {
        seed: this.seed,
        language: 'de',
        sections: await readingSections('reading-de', DE_GROUPS, 'Teil'),
        segments: [
          P(0.6),
          { kind: 'unscripted', label: 'JFK', parts: [{ file: JFK }] },
          P(1.2),
          { kind: 'section', id: 'de-1', parts: [span(de, 0, 5)] },
          P(1.1),
          { kind: 'section', id: 'de-2', parts: [span(de, 6, 11)] },
          P(0.9),
          { kind: 'unscripted', label: 'Spanish fragments', parts: [span(es, 0, 3)] },
          P(1.3),
          { kind: 'section', id: 'de-4', parts: [span(de, 18, 23)] },
          P(1.0),
        ],
      };
    },
  },
  {
    name: 'real-es-sections-leadin',
    description: 'the Spanish reading as 4 sections in Spanish (language es): 7 German fragments as a ~20 s lead-in, section 3 opens with a broken-off start (~1.5 min)',
    seed: 502,
    real: true,
    split: 'tune',
    voice: 'librivox es',
    language: 'es',
    async script() {
      const [de, es] = await Promise.all([frags('reading-de'), frags('reading-es')]);
      return {
        seed: this.seed,
        language: 'es',
        sections: await readingSections('reading-es', ES_GROUPS, 'Parte'),
        segments: [
          P(0.5),
          { kind: 'unscripted', label: 'German lead-in', parts: [span(de, 0, 6)] },
          P(1.4),
          { kind: 'section', id: 'es-1', parts: [span(es, 0, 7)] },
          P(1.0),
          { kind: 'section', id: 'es-2', parts: [span(es, 8, 15)] },
          P(1.2),
          { kind: 'section', id: 'es-3', parts: [brokenOff(es, 16, 0.5), { pause: 0.45 }, span(es, 16, 23)] },
          P(0.9),
          { kind: 'section', id: 'es-4', parts: [span(es, 24, 31)] },
          P(1.0),
        ],
      };
    },
  },
  {
    name: 'real-sonnets-no-headings',
    description: 'sonnets I–III with none of their headings read (the text has them): JFK lead-in (11 s), atempo 1.05 (~2.8 min)',
    seed: 511,
    real: true,
    split: 'heldout',
    voice: 'librivox sonnets',
    async script() {
      const f = await Promise.all(SONNET.map(frags));
      return {
        seed: this.seed,
        sections: await Promise.all([1, 2, 3].map(sonnetSection)),
        segments: [
          P(0.4),
          { kind: 'unscripted', label: 'JFK', parts: [{ file: JFK }] },
          P(1.3),
          { kind: 'section', id: 'sonnet-1', parts: [span(f[0], 1, 14)] },
          P(1.5),
          { kind: 'section', id: 'sonnet-2', parts: [span(f[1], 1, 14)] },
          P(1.1),
          { kind: 'section', id: 'sonnet-3', parts: [span(f[2], 1, 14)] },
          P(0.9),
        ],
        effects: { tempo: 1.05 },
      };
    },
  },
  {
    name: 'real-sonnets-stumbles',
    description: 'sonnets I–III: a line read twice in I; II opens "II", then its first line broken off and restarted; III opens with its first line broken off (heading not read); pink noise −45 dBFS (~2.8 min)',
    seed: 512,
    real: true,
    split: 'heldout',
    voice: 'librivox sonnets',
    async script() {
      const f = await Promise.all(SONNET.map(frags));
      return {
        seed: this.seed,
        sections: await Promise.all([1, 2, 3].map(sonnetSection)),
        segments: [
          P(0.7),
          { kind: 'section', id: 'sonnet-1', parts: [span(f[0], 0, 6), { pause: 0.6 }, span(f[0], 6, 14)] },
          P(1.2),
          { kind: 'section', id: 'sonnet-2', parts: [span(f[1], 0), { pause: 1.0 }, brokenOff(f[1], 1, 0.4), { pause: 0.4 }, span(f[1], 1, 14)] },
          P(1.4),
          { kind: 'section', id: 'sonnet-3', parts: [brokenOff(f[2], 1, 0.45), { pause: 0.5 }, span(f[2], 1, 14)] },
          P(1.0),
        ],
        effects: { noise: { dbfs: -45, color: 'pink' } },
      };
    },
  },
  {
    name: 'real-sonnets-cut',
    description: 'sonnets: 9 German fragments (~25 s) as the lead-in, I, II cut 55 % in (no fade), III after the end (~1.8 min)',
    seed: 513,
    real: true,
    split: 'heldout',
    voice: 'librivox sonnets',
    async script() {
      const [de, ...f] = await Promise.all([frags('reading-de'), ...SONNET.map(frags)]);
      return {
        seed: this.seed,
        sections: await Promise.all([1, 2, 3].map(sonnetSection)),
        segments: [
          P(0.5),
          { kind: 'unscripted', label: 'German lead-in', parts: [span(de, 0, 8)] },
          P(1.2),
          { kind: 'section', id: 'sonnet-1', parts: [span(f[0], 0, 14)] },
          P(1.3),
          { kind: 'section', id: 'sonnet-2', parts: [span(f[1], 0, 14)] },
          P(1.0),
          { kind: 'section', id: 'sonnet-3', parts: [span(f[2], 0, 14)] },
          P(0.8),
        ],
        cut: { section: 'sonnet-2', fraction: 0.55 },
      };
    },
  },
  {
    name: 'real-sonnets-skip-short-lead',
    description: 'sonnets: "Mi muy querido Manuel" (~1 s, Spanish) as a short lead-in that must not be reported, I, II not read, JFK, III without its heading; white noise −50 dBFS (~2 min)',
    seed: 514,
    real: true,
    split: 'heldout',
    voice: 'librivox sonnets',
    async script() {
      const [es, ...f] = await Promise.all([frags('reading-es'), ...SONNET.map(frags)]);
      return {
        seed: this.seed,
        sections: await Promise.all([1, 2, 3].map(sonnetSection)),
        segments: [
          P(0.6),
          { kind: 'unscripted', label: 'short Spanish lead-in', parts: [span(es, 2)] },
          P(1.0),
          { kind: 'section', id: 'sonnet-1', parts: [span(f[0], 0, 14)] },
          P(1.2),
          { kind: 'unscripted', label: 'JFK', parts: [{ file: JFK }] },
          P(1.1),
          { kind: 'section', id: 'sonnet-3', parts: [span(f[2], 1, 14)] },
          P(0.9),
        ],
        effects: { noise: { dbfs: -50 } },
      };
    },
  },
  {
    name: 'real-de-sections-cut',
    ci: true,
    description: 'the German reading as 4 sections (language de): a Spanish fragment (~4 s) as the lead-in, a fragment of 2 read twice, JFK between 2 and 3, cut 40 % into 3, 4 after the end; atempo 0.95 (~1.5 min)',
    seed: 515,
    real: true,
    split: 'heldout',
    voice: 'librivox de',
    language: 'de',
    async script() {
      const [de, es] = await Promise.all([frags('reading-de'), frags('reading-es')]);
      return {
        seed: this.seed,
        language: 'de',
        sections: await readingSections('reading-de', DE_GROUPS, 'Teil'),
        segments: [
          P(0.5),
          { kind: 'unscripted', label: 'Spanish lead-in', parts: [span(es, 4)] },
          P(1.1),
          { kind: 'section', id: 'de-1', parts: [span(de, 0, 5)] },
          P(1.2),
          { kind: 'section', id: 'de-2', parts: [span(de, 6, 8), { pause: 0.5 }, span(de, 8, 11)] },
          P(1.0),
          { kind: 'unscripted', label: 'JFK', parts: [{ file: JFK }] },
          P(1.2),
          { kind: 'section', id: 'de-3', parts: [span(de, 12, 17)] },
          P(1.0),
          { kind: 'section', id: 'de-4', parts: [span(de, 18, 23)] },
          P(0.8),
        ],
        cut: { section: 'de-3', fraction: 0.4 },
        effects: { tempo: 0.95 },
      };
    },
  },
  {
    name: 'real-es-sections-cut',
    description: 'the Spanish reading as 4 sections (language es): no lead-in, section 2 not read, 6 German fragments between 1 and 3, cut 60 % into 3, 4 after the end; white noise −50 dBFS (~1.3 min)',
    seed: 516,
    real: true,
    split: 'heldout',
    voice: 'librivox es',
    language: 'es',
    async script() {
      const [de, es] = await Promise.all([frags('reading-de'), frags('reading-es')]);
      return {
        seed: this.seed,
        language: 'es',
        sections: await readingSections('reading-es', ES_GROUPS, 'Parte'),
        segments: [
          P(0.6),
          { kind: 'section', id: 'es-1', parts: [span(es, 0, 7)] },
          P(1.2),
          { kind: 'unscripted', label: 'German fragments', parts: [span(de, 7, 12)] },
          P(1.0),
          { kind: 'section', id: 'es-3', parts: [span(es, 16, 23)] },
          P(1.1),
          { kind: 'section', id: 'es-4', parts: [span(es, 24, 31)] },
          P(0.8),
        ],
        cut: { section: 'es-3', fraction: 0.6 },
        effects: { noise: { dbfs: -50 } },
      };
    },
  },
];

// ---------------------------------------------------------------------------------------
// the cases added on 2026-12-07, through two builders: a synthetic narration of an issue,
// and a composition of the real readings (their sections: the German or Spanish reading's
// groups, or sonnets I–III)

type CaseMeta = Pick<EvalCase, 'name' | 'description' | 'seed' | 'split' | 'fresh'>;

/** An issue (`issue`, cut to `size`) narrated by `voice` with the perturbations of `plan`. */
function synthetic(meta: CaseMeta, voice: TtsVoice, issue: string, size: { from?: number; maxWords: number; sectionWords: number }, plan: Omit<NarratorPlan, 'voice'>): EvalCase {
  return {
    ...meta,
    voice: label(voice),
    async script() {
      const { sections } = await issueSections(issue, size);
      return narrated(sections, { ...plan, voice }, this.seed);
    },
  };
}

interface Readings {
  de: ReadingFragments;
  es: ReadingFragments;
  sonnets: ReadingFragments[];
}

/** The real readings as sections of `text`, with the segments `segments` builds from their fragments. */
function composed(meta: CaseMeta, text: 'de' | 'es' | 'sonnets', segments: (r: Readings) => Segment[], extra: Pick<Script, 'cut' | 'effects'> = {}): EvalCase {
  const language = text === 'sonnets' ? undefined : text;
  return {
    ...meta,
    real: true,
    voice: `librivox ${text}`,
    ...(language ? { language } : {}),
    async script() {
      const [de, es, sonnets] = await Promise.all([frags('reading-de'), frags('reading-es'), Promise.all(SONNET.map(frags))]);
      const sections = text === 'sonnets' ? await Promise.all([1, 2, 3].map(sonnetSection)) : await readingSections(`reading-${text}`, text === 'de' ? DE_GROUPS : ES_GROUPS, text === 'de' ? 'Teil' : 'Parte');
      return { seed: this.seed, ...(language ? { language } : {}), sections, segments: segments({ de, es, sonnets }), ...extra };
    },
  };
}

const section = (id: string, ...parts: (Part | { pause: number })[]): Segment => ({ kind: 'section', id, parts });
const unscripted = (labelText: string, ...parts: Part[]): Segment => ({ kind: 'unscripted', label: labelText, parts });
const jfk = (): Segment => unscripted('JFK', { file: JFK });
/** Sonnets I–III read in full, after 0.6 s, with the two pauses between them given. */
const sonnetsInFull = ({ sonnets: f }: Readings, between: [number, number]): Segment[] => [P(0.6), section('sonnet-1', span(f[0], 0, 14)), P(between[0]), section('sonnet-2', span(f[1], 0, 14)), P(between[1]), section('sonnet-3', span(f[2], 0, 14))];

// recordings that stop inside the text's last section (nothing after it to miss), and one
// whose last section is followed by unscripted speech: the "is the end of the text there?"
// rule is fitted on these
const tuneCutLast: EvalCase[] = [
  synthetic(
    { name: 'cut-last-slt', description: "an-090, flite slt: a ~3 s lead-in, the recording cut partway through the text's last section (~2 min)", seed: 701, split: 'tune' },
    v('flite', 'slt'),
    'an-090.md',
    { maxWords: 300, sectionWords: 60 },
    { leadIn: 3, cut: 'last' },
  ),
  synthetic(
    { name: 'cut-last-en-us-m7', description: "an-099, espeak-ng en-us+m7 170 wpm: no lead-in, an ad-lib, cut partway through the text's last section, white noise −50 dBFS (~2 min)", seed: 702, split: 'tune' },
    v('espeak-ng', 'en-us+m7', 170),
    'an-099.md',
    { maxWords: 300, sectionWords: 60 },
    { adLibs: 1, cut: 'last', effects: { noise: { dbfs: -50 } } },
  ),
  composed(
    { name: 'real-sonnets-cut-last', description: 'sonnets I–III read in full but for III, cut 45 % into it (~2.3 min)', seed: 703, split: 'tune' },
    'sonnets',
    (r) => [...sonnetsInFull(r, [1.3, 1.1]), P(0.8)],
    { cut: { section: 'sonnet-3', fraction: 0.45 } },
  ),
  composed(
    { name: 'real-sonnets-outro', description: 'sonnets I–III read in full, then JFK as unscripted closing words (~3 min)', seed: 704, split: 'tune' },
    'sonnets',
    (r) => [...sonnetsInFull(r, [1.2, 1.4]), P(1.5), jfk(), P(0.7)],
  ),
];

// held-out cases added 2026-12-07 as the first fresh round (espeak-ng klatt, en-gb+Annie,
// three new compositions of the real readings): their first run showed two endings and one
// mark wrong, which were then fixed — they are ordinary held-out cases now
// a re-read that runs past the first sentence — the heading and the first lines said, then
// a line said again (a held-out sonnet case failed this way: its mark went onto the re-read
// line, 6.8 s late); the restart rules are fitted on these, never on that case
const tuneRereads: EvalCase[] = [
  composed(
    { name: 'real-sonnets-reread-lines', description: 'sonnets I–III: II read as its heading and first two lines, then its second line again and the rest; III as its heading and three lines, then lines two and three again (~3.2 min)', seed: 705, split: 'tune' },
    'sonnets',
    ({ sonnets: f }) => [P(0.6), section('sonnet-1', span(f[0], 0, 14)), P(1.2), section('sonnet-2', span(f[1], 0, 2), { pause: 0.5 }, span(f[1], 2, 14)), P(1.3), section('sonnet-3', span(f[2], 0, 3), { pause: 0.6 }, span(f[2], 2, 14)), P(0.8)],
  ),
  composed(
    { name: 'real-sonnets-reread-lead', description: 'sonnets I and III: Spanish fragments as a ~6 s lead-in, I as its heading and first line, then the first line again and the rest; II not read; III in full (~2.4 min)', seed: 706, split: 'tune' },
    'sonnets',
    ({ es, sonnets: f }) => [P(0.5), unscripted('Spanish lead-in', span(es, 0, 1)), P(1.1), section('sonnet-1', span(f[0], 0, 1), { pause: 0.4 }, span(f[0], 1, 14)), P(1.4), section('sonnet-3', span(f[2], 0, 14)), P(0.9)],
    { effects: { tempo: 0.96 } },
  ),
  composed(
    { name: 'real-sonnets-skip-mid-reread', description: 'sonnets: German fragments as a ~7 s lead-in, I in full, II not read, III without its heading and its sixth line said twice; atempo 0.95, pink noise −49 dBFS (~2.2 min)', seed: 707, split: 'tune' },
    'sonnets',
    ({ de, sonnets: f }) => [P(0.5), unscripted('German lead-in', span(de, 6, 8)), P(1.2), section('sonnet-1', span(f[0], 0, 14)), P(1.3), section('sonnet-3', span(f[2], 1, 6), { pause: 0.6 }, span(f[2], 6, 14)), P(0.9)],
    { effects: { tempo: 0.95, noise: { dbfs: -49, color: 'pink' } } },
  ),
  composed(
    { name: 'real-sonnets-jfk-skip-noise', description: 'sonnets: JFK as the lead-in, I without its heading, II not read, III in full; atempo 0.93, white noise −50 dBFS (~2.2 min)', seed: 708, split: 'tune' },
    'sonnets',
    ({ sonnets: f }) => [P(0.5), jfk(), P(1.2), section('sonnet-1', span(f[0], 1, 14)), P(1.3), section('sonnet-3', span(f[2], 0, 14)), P(0.9)],
    { effects: { tempo: 0.93, noise: { dbfs: -50 } } },
  ),
  composed(
    { name: 'real-sonnets-reread-openings', description: 'sonnets: German fragments as a ~9 s lead-in, I as its heading and three lines with the third said again, II not read, III without its heading and its second line said twice; atempo 0.95, white noise −50 dBFS (~2.3 min)', seed: 709, split: 'tune' },
    'sonnets',
    ({ de, sonnets: f }) => [P(0.6), unscripted('German lead-in', span(de, 9, 11)), P(1.2), section('sonnet-1', span(f[0], 0, 3), { pause: 0.5 }, span(f[0], 3, 14)), P(1.3), section('sonnet-3', span(f[2], 1, 2), { pause: 0.6 }, span(f[2], 2, 14)), P(0.8)],
    { effects: { tempo: 0.95, noise: { dbfs: -50 } } },
  ),
];

const fresh: EvalCase[] = [
  synthetic(
    { name: 'fresh-klatt', description: 'an-095, espeak-ng en-us+klatt3 (klatt synthesis, used nowhere else) 165 wpm: a ~12 s lead-in, an ad-lib, a skipped summary, stumbles (one in a first sentence), a re-read sentence, atempo 1.04, pink noise −48 dBFS (~2.5 min)', seed: 601, split: 'heldout' },
    v('espeak-ng', 'en-us+klatt3', 165),
    'an-095.md',
    { maxWords: 380, sectionWords: 70 },
    { leadIn: 12, adLibs: 1, skip: 1, firstStumbles: 1, stumbles: 1, repeats: 1, effects: { tempo: 1.04, noise: { dbfs: -48, color: 'pink' } } },
  ),
  synthetic(
    { name: 'fresh-cut-annie', description: 'an-097, espeak-ng en-gb+Annie 175 wpm: a ~6 s lead-in, cut partway through a section, brown noise −50 dBFS (~2 min)', seed: 602, split: 'heldout' },
    v('espeak-ng', 'en-gb+Annie', 175),
    'an-097.md',
    { from: 1, maxWords: 320, sectionWords: 60 },
    { leadIn: 6, cut: true, effects: { noise: { dbfs: -50, color: 'brown' } } },
  ),
  composed(
    { name: 'fresh-real-es-false-start', description: 'the Spanish reading as 4 sections (language es): JFK lead-in, 2 opens with its first fragment broken off (35 %) and restarted, 3 not read, German fragments in its place, 4 read in full; atempo 1.03, brown noise −48 dBFS (~1.4 min)', seed: 603, split: 'heldout' },
    'es',
    ({ de, es }) => [
      P(0.5),
      jfk(),
      P(1.3),
      section('es-1', span(es, 0, 7)),
      P(1.2),
      section('es-2', brokenOff(es, 8, 0.35), { pause: 0.5 }, span(es, 8, 15)),
      P(1.0),
      unscripted('German fragments', span(de, 2, 4)),
      P(1.2),
      section('es-4', span(es, 24, 31)),
      P(0.8),
    ],
    { effects: { tempo: 1.03, noise: { dbfs: -48, color: 'brown' } } },
  ),
  composed(
    { name: 'fresh-real-sonnets-mixed', description: 'sonnets I–III: a Spanish lead-in (2 fragments), I with its heading, German fragments between I and II, II without its heading, III with "III" then a pause, cut 70 % into III; atempo 0.97 (~2.5 min)', seed: 604, split: 'heldout' },
    'sonnets',
    ({ de, es, sonnets: f }) => [
      P(0.5),
      unscripted('Spanish lead-in', span(es, 0, 1)),
      P(1.0),
      section('sonnet-1', span(f[0], 0, 14)),
      P(1.4),
      unscripted('German fragments', span(de, 19, 20)),
      P(1.1),
      section('sonnet-2', span(f[1], 1, 14)),
      P(1.2),
      section('sonnet-3', span(f[2], 0), { pause: 0.8 }, span(f[2], 1, 14)),
      P(0.8),
    ],
    { cut: { section: 'sonnet-3', fraction: 0.7 }, effects: { tempo: 0.97 } },
  ),
  composed(
    { name: 'fresh-real-de-first-skipped', description: 'the German reading as 4 sections (language de): no lead-in, 1 not read, 2 with its first fragment said twice, 3 in full, cut 50 % into 4; white noise −52 dBFS (~1 min)', seed: 605, split: 'heldout' },
    'de',
    ({ de }) => [P(0.6), section('de-2', span(de, 6), { pause: 0.4 }, span(de, 6, 11)), P(1.1), section('de-3', span(de, 12, 17)), P(1.0), section('de-4', span(de, 18, 23)), P(0.8)],
    { cut: { section: 'de-4', fraction: 0.5 }, effects: { noise: { dbfs: -52 } } },
  ),
];

// fresh (second round, 2026-12-07): written after every rule of that day, run once, and
// reported as they came out (see docs/benchmarks.md); looked at since — two rules came
// from what they showed, fitted on tune cases of the same kind — so now plain held-out
const fresh2: EvalCase[] = [
  synthetic(
    { name: 'fresh2-alex-cut-last', description: "an-088, espeak-ng en-us+Alex 170 wpm: a ~20 s lead-in, cut inside the text's last section read, white noise −49 dBFS (~2 min)", seed: 801, split: 'heldout' },
    v('espeak-ng', 'en-us+Alex', 170),
    'an-088.md',
    { maxWords: 300, sectionWords: 60 },
    { leadIn: 20, cut: 'last', effects: { noise: { dbfs: -49 } } },
  ),
  synthetic(
    { name: 'fresh2-andy', description: 'an-092, espeak-ng en-gb+Andy 185 wpm: no lead-in, two ad-libs, a skipped summary, a first-sentence stumble, a re-read sentence, atempo 0.95, 50 Hz hum −46 dBFS (~2.5 min)', seed: 802, split: 'heldout' },
    v('espeak-ng', 'en-gb+Andy', 185),
    'an-092.md',
    { maxWords: 380, sectionWords: 70 },
    { adLibs: 2, skip: 1, firstStumbles: 1, repeats: 1, effects: { tempo: 0.95, hum: { dbfs: -46 } } },
  ),
  composed(
    { name: 'fresh2-real-es-pause-skip-cut', description: 'the Spanish reading as 4 sections (language es): 1 opens with its first fragment and a 1 s pause, 2 not read, JFK between 1 and 3, 3 in full, cut 40 % into 4 (the last); pink noise −47 dBFS (~1.2 min)', seed: 803, split: 'heldout' },
    'es',
    ({ es }) => [P(0.7), section('es-1', span(es, 0), { pause: 1.0 }, span(es, 1, 7)), P(1.1), jfk(), P(1.3), section('es-3', span(es, 16, 23)), P(1.0), section('es-4', span(es, 24, 31)), P(0.8)],
    { cut: { section: 'es-4', fraction: 0.4 }, effects: { noise: { dbfs: -47, color: 'pink' } } },
  ),
  composed(
    { name: 'fresh2-real-sonnets-de-lead', description: 'sonnets I–III: German fragments as a ~8 s lead-in, I without its heading, II not read, III with its heading and its second line read twice; atempo 1.06 (~2 min)', seed: 804, split: 'heldout' },
    'sonnets',
    ({ de, sonnets: f }) => [P(0.5), unscripted('German lead-in', span(de, 0, 2)), P(1.2), section('sonnet-1', span(f[0], 1, 14)), P(1.5), section('sonnet-3', span(f[2], 0, 2), { pause: 0.5 }, span(f[2], 2, 14)), P(0.9)],
    { effects: { tempo: 1.06 } },
  ),
];

// third round (2026-12-07, second session): written after the rival-room, placed-room
// and headed-restart rules, before any of them was run; reported as they came out, then
// held-out like the rest
const fresh3: EvalCase[] = [
  synthetic(
    { name: 'fresh3-storm', description: 'an-085, espeak-ng en-us+Storm 160 wpm: a ~14 s lead-in, an ad-lib, a skipped summary, a first-sentence stumble, a stumble, atempo 1.03, pink noise −48 dBFS (~2.5 min)', seed: 901, split: 'heldout' },
    v('espeak-ng', 'en-us+Storm', 160),
    'an-085.md',
    { maxWords: 360, sectionWords: 70 },
    { leadIn: 14, adLibs: 1, skip: 1, firstStumbles: 1, stumbles: 1, effects: { tempo: 1.03, noise: { dbfs: -48, color: 'pink' } } },
  ),
  synthetic(
    { name: 'fresh3-serious-cut', description: 'an-080, espeak-ng en-gb-x-rp+Mr_Serious 150 wpm: a ~5 s lead-in, a re-read sentence, cut partway through the issue, 50 Hz hum −47 dBFS (~2 min)', seed: 902, split: 'heldout' },
    v('espeak-ng', 'en-gb-x-rp+Mr_Serious', 150),
    'an-080.md',
    { maxWords: 340, sectionWords: 60 },
    { leadIn: 5, repeats: 1, cut: true, effects: { hum: { dbfs: -47 } } },
  ),
  synthetic(
    { name: 'fresh3-gene-drift', description: 'an-079, espeak-ng en-029+Gene 175 wpm: no lead-in, two ad-libs, a skipped summary, a re-read sentence, per-section tempo 0.95–1.05 (~2.5 min)', seed: 903, split: 'heldout' },
    v('espeak-ng', 'en-029+Gene', 175),
    'an-079.md',
    { maxWords: 380, sectionWords: 70 },
    { adLibs: 2, skip: 1, repeats: 1, tempoDrift: [0.95, 1.05] },
  ),
  composed(
    { name: 'fresh3-real-sonnets-reread', description: 'sonnets: JFK as the lead-in, I as its heading and two lines with the first line said again, II not read, III without its heading and its fourth line said twice; atempo 0.94, white noise −50 dBFS (~2.3 min)', seed: 904, split: 'heldout' },
    'sonnets',
    ({ sonnets: f }) => [P(0.5), jfk(), P(1.3), section('sonnet-1', span(f[0], 0, 2), { pause: 0.5 }, span(f[0], 1, 14)), P(1.4), section('sonnet-3', span(f[2], 1, 4), { pause: 0.6 }, span(f[2], 4, 14)), P(0.9)],
    { effects: { tempo: 0.94, noise: { dbfs: -50 } } },
  ),
  composed(
    { name: 'fresh3-real-es-jfk-cut', description: 'the Spanish reading as 4 sections (language es): German fragments as a lead-in, 1 in full, 2 with its first fragment said twice, JFK between 2 and 4, 3 not read, cut 60 % into 4 (~1.6 min)', seed: 905, split: 'heldout' },
    'es',
    ({ de, es }) => [P(0.6), unscripted('German lead-in', span(de, 3, 5)), P(1.2), section('es-1', span(es, 0, 7)), P(1.1), section('es-2', span(es, 8), { pause: 0.5 }, span(es, 8, 15)), P(1.0), jfk(), P(1.2), section('es-4', span(es, 24, 31)), P(0.8)],
    { cut: { section: 'es-4', fraction: 0.6 } },
  ),
];

// fourth round (2026-12-07, third session): written after the path-agreement rule of the
// restart pass, before any of these was run, reported as they came out (fresh4-edward's
// intro 7 s late: the rule then took the first section too when the coverage's start of the
// text agrees), then held-out like the rest
const fresh4: EvalCase[] = [
  synthetic(
    { name: 'fresh4-edward', description: 'an-088, espeak-ng en-gb+Edward 165 wpm: a ~9 s lead-in, an ad-lib, a skipped summary, a first-sentence stumble, a re-read sentence, atempo 0.97, brown noise −49 dBFS (~2.5 min)', seed: 1001, split: 'heldout' },
    v('espeak-ng', 'en-gb+Edward', 165),
    'an-088.md',
    { maxWords: 360, sectionWords: 70 },
    { leadIn: 9, adLibs: 1, skip: 1, firstStumbles: 1, repeats: 1, effects: { tempo: 0.97, noise: { dbfs: -49, color: 'brown' } } },
  ),
  synthetic(
    { name: 'fresh4-belinda-cut', description: 'an-096, espeak-ng en-us+Belinda 170 wpm: a ~4 s lead-in, a stumble, cut partway through the issue, 50 Hz hum −46 dBFS (~2 min)', seed: 1002, split: 'heldout' },
    v('espeak-ng', 'en-us+Belinda', 170),
    'an-096.md',
    { from: 1, maxWords: 330, sectionWords: 60 },
    { leadIn: 4, stumbles: 1, cut: true, effects: { hum: { dbfs: -46 } } },
  ),
  synthetic(
    { name: 'fresh4-michael-drift', description: 'an-081, espeak-ng en-us+Michael 155 wpm: a ~20 s lead-in, two ad-libs, a skipped summary, a re-read sentence, per-section tempo 0.96–1.04 (~2.7 min)', seed: 1003, split: 'heldout' },
    v('espeak-ng', 'en-us+Michael', 155),
    'an-081.md',
    { maxWords: 380, sectionWords: 70 },
    { leadIn: 20, adLibs: 2, skip: 1, repeats: 1, tempoDrift: [0.96, 1.04] },
  ),
  composed(
    { name: 'fresh4-real-sonnets-heading-reread', description: 'sonnets: Spanish fragments as a lead-in, I in full, II as its heading and three lines then lines two and three again and the rest, III in full; atempo 1.04, pink noise −49 dBFS (~3 min)', seed: 1004, split: 'heldout' },
    'sonnets',
    ({ es, sonnets: f }) => [P(0.6), unscripted('Spanish lead-in', span(es, 5, 6)), P(1.2), section('sonnet-1', span(f[0], 0, 14)), P(1.4), section('sonnet-2', span(f[1], 0, 3), { pause: 0.6 }, span(f[1], 2, 14)), P(1.2), section('sonnet-3', span(f[2], 0, 14)), P(0.8)],
    { effects: { tempo: 1.04, noise: { dbfs: -49, color: 'pink' } } },
  ),
  composed(
    { name: 'fresh4-real-de-reread-cut', description: 'the German reading as 4 sections (language de): JFK as the lead-in, 1 with its first fragment said twice, 2 not read, Spanish fragments in its place, 3 in full, cut 50 % into 4 (~1.5 min)', seed: 1005, split: 'heldout' },
    'de',
    ({ de, es }) => [P(0.5), jfk(), P(1.3), section('de-1', span(de, 0), { pause: 0.5 }, span(de, 0, 5)), P(1.1), unscripted('Spanish fragments', span(es, 9, 10)), P(1.2), section('de-3', span(de, 12, 17)), P(1.0), section('de-4', span(de, 18, 23)), P(0.8)],
    { cut: { section: 'de-4', fraction: 0.5 } },
  ),
];

// fresh (fifth round, 2026-12-07, third session): written after the first-section
// extension of the path-agreement rule, before any of these was run; voices used nowhere
// else in the corpus
const fresh5: EvalCase[] = [
  synthetic(
    { name: 'fresh5-steph', description: 'an-093, espeak-ng en-us+Steph 165 wpm: a ~11 s lead-in, an ad-lib, a skipped summary, a first-sentence stumble, a stumble, atempo 1.02, white noise −50 dBFS (~2.5 min)', seed: 1101, split: 'heldout' },
    v('espeak-ng', 'en-us+Steph', 165),
    'an-093.md',
    { maxWords: 360, sectionWords: 70 },
    { leadIn: 11, adLibs: 1, skip: 1, firstStumbles: 1, stumbles: 1, effects: { tempo: 1.02, noise: { dbfs: -50 } } },
  ),
  synthetic(
    { name: 'fresh5-quincy-cut', description: 'an-086, espeak-ng en-gb+Quincy 160 wpm: a ~16 s lead-in, a re-read sentence, cut partway through the issue, pink noise −48 dBFS (~2 min)', seed: 1102, split: 'heldout' },
    v('espeak-ng', 'en-gb+Quincy', 160),
    'an-086.md',
    { maxWords: 330, sectionWords: 60 },
    { leadIn: 16, repeats: 1, cut: true, effects: { noise: { dbfs: -48, color: 'pink' } } },
  ),
  composed(
    { name: 'fresh5-real-sonnets-jfk-skip', description: 'sonnets: JFK as the lead-in, I as its heading and two lines then both again and the rest, II not read, III in full; atempo 0.97 (~2.4 min)', seed: 1103, split: 'heldout' },
    'sonnets',
    ({ sonnets: f }) => [P(0.5), jfk(), P(1.3), section('sonnet-1', span(f[0], 0, 2), { pause: 0.6 }, span(f[0], 1, 14)), P(1.3), section('sonnet-3', span(f[2], 0, 14)), P(0.8)],
    { effects: { tempo: 0.97 } },
  ),
  composed(
    { name: 'fresh5-real-es-reread', description: 'the Spanish reading as 4 sections (language es): German fragments as a lead-in, 1 in full, 2 not read, 3 with its first two fragments said again after its third, 4 in full; brown noise −49 dBFS (~1.5 min)', seed: 1104, split: 'heldout' },
    'es',
    ({ de, es }) => [P(0.6), unscripted('German lead-in', span(de, 6, 8)), P(1.2), section('es-1', span(es, 0, 7)), P(1.2), section('es-3', span(es, 16, 18), { pause: 0.6 }, span(es, 16, 23)), P(1.1), section('es-4', span(es, 24, 31)), P(0.8)],
    { effects: { noise: { dbfs: -49, color: 'brown' } } },
  ),
];

// sixth round (2026-12-07, fourth session): written after the trustPeak rule of decide.ts
// (an opening match trusted only when it stands out from the section's other candidates),
// before any of these was run; voices and compositions used nowhere else in the eval
const fresh6: EvalCase[] = [
  synthetic(
    { name: 'fresh6-linda', description: 'an-100, espeak-ng en-us+Linda 170 wpm: a ~7 s lead-in, a skipped summary, a first-sentence stumble, a re-read sentence, atempo 0.98, pink noise −48 dBFS (~2.5 min)', seed: 1201, split: 'heldout' },
    v('espeak-ng', 'en-us+Linda', 170),
    'an-100.md',
    { maxWords: 360, sectionWords: 70 },
    { leadIn: 7, skip: 1, firstStumbles: 1, repeats: 1, effects: { tempo: 0.98, noise: { dbfs: -48, color: 'pink' } } },
  ),
  synthetic(
    { name: 'fresh6-zac-cut', description: 'an-085, espeak-ng en-gb+Zac 155 wpm: a ~3 s lead-in, a stumble, an ad-lib, cut partway through the issue, 60 Hz hum −47 dBFS (~2 min)', seed: 1202, split: 'heldout' },
    v('espeak-ng', 'en-gb+Zac', 155),
    'an-085.md',
    { from: 1, maxWords: 330, sectionWords: 60 },
    { leadIn: 3, stumbles: 1, adLibs: 1, cut: true, effects: { hum: { dbfs: -47, hz: 60 } } },
  ),
  composed(
    { name: 'fresh6-real-sonnets-de-lead-ii-reread', description: 'sonnets: German fragments as a lead-in, I without its heading, II with its first line said twice, III not read; atempo 1.03, pink noise −50 dBFS (~2 min)', seed: 1203, split: 'heldout' },
    'sonnets',
    ({ de, sonnets: f }) => [P(0.6), unscripted('German lead-in', span(de, 14, 16)), P(1.3), section('sonnet-1', span(f[0], 1, 14)), P(1.4), section('sonnet-2', span(f[1], 0, 2), { pause: 0.7 }, span(f[1], 1, 14)), P(0.9)],
    { effects: { tempo: 1.03, noise: { dbfs: -50, color: 'pink' } } },
  ),
  composed(
    { name: 'fresh6-real-de-jfk-mid', description: 'the German reading as 4 sections (language de): Spanish fragments as a lead-in, 1 in full, JFK between 1 and 2, 2 in full, 3 not read, 4 with its first fragment said twice (~1.8 min)', seed: 1204, split: 'heldout' },
    'de',
    ({ de, es }) => [P(0.6), unscripted('Spanish lead-in', span(es, 20, 22)), P(1.2), section('de-1', span(de, 0, 5)), P(1.2), jfk(), P(1.3), section('de-2', span(de, 6, 11)), P(1.1), section('de-4', span(de, 18), { pause: 0.5 }, span(de, 18, 23)), P(0.8)],
  ),
];

// seventh round (2026-12-07, fourth session): written after the restart pass's boundary
// rule and the in-progress check of decide.ts, before any of these was run; voices and
// compositions used nowhere else in the eval
const fresh7: EvalCase[] = [
  synthetic(
    { name: 'fresh7-mike', description: 'an-091, espeak-ng en-us+Mike 175 wpm: a ~20 s lead-in, two ad-libs, a skipped summary, a first-sentence stumble, atempo 1.05, brown noise −47 dBFS (~2.5 min)', seed: 1301, split: 'heldout' },
    v('espeak-ng', 'en-us+Mike', 175),
    'an-091.md',
    { maxWords: 360, sectionWords: 70 },
    { leadIn: 20, adLibs: 2, skip: 1, firstStumbles: 1, effects: { tempo: 1.05, noise: { dbfs: -47, color: 'brown' } } },
  ),
  synthetic(
    { name: 'fresh7-max-cut', description: 'an-097, espeak-ng en-gb-x-rp+Max 150 wpm: no lead-in, two re-read sentences, a 7 dB level drop halfway, cut partway through the issue (~2 min)', seed: 1302, split: 'heldout' },
    v('espeak-ng', 'en-gb-x-rp+Max', 150),
    'an-097.md',
    { from: 2, maxWords: 330, sectionWords: 60 },
    { repeats: 2, cut: true, effects: { levelDrop: { atFraction: 0.5, db: 7 } } },
  ),
  composed(
    { name: 'fresh7-real-sonnets-es-lead-mid-reread', description: 'sonnets: Spanish fragments as a lead-in, I in full, II with its fifth line said twice, III not read, JFK as closing words; white noise −51 dBFS (~2.3 min)', seed: 1303, split: 'heldout' },
    'sonnets',
    ({ es, sonnets: f }) => [P(0.6), unscripted('Spanish lead-in', span(es, 12, 14)), P(1.3), section('sonnet-1', span(f[0], 0, 14)), P(1.4), section('sonnet-2', span(f[1], 0, 6), { pause: 0.6 }, span(f[1], 5, 14)), P(1.3), jfk(), P(0.8)],
    { effects: { noise: { dbfs: -51 } } },
  ),
  composed(
    { name: 'fresh7-real-es-first-not-read-cut', description: 'the Spanish reading as 4 sections (language es): German fragments as a lead-in, 1 not read, 2 with its first fragment said twice, 3 in full, cut 40 % into 4; atempo 0.96 (~1.3 min)', seed: 1304, split: 'heldout' },
    'es',
    ({ de, es }) => [P(0.6), unscripted('German lead-in', span(de, 19, 21)), P(1.2), section('es-2', span(es, 8), { pause: 0.5 }, span(es, 8, 15)), P(1.1), section('es-3', span(es, 16, 23)), P(1.0), section('es-4', span(es, 24, 31)), P(0.8)],
    { cut: { section: 'es-4', fraction: 0.4 }, effects: { tempo: 0.96 } },
  ),
];

// eighth round (2026-12-08, fifth session): written after the boundary rule learned headings
// that are not said and the "heard to its end" rule of decide.ts, before any of these was
// run; voices, issue and compositions used nowhere else in the eval
const fresh8: EvalCase[] = [
  synthetic(
    { name: 'fresh8-john', description: 'an-100 (its preamble), espeak-ng en-us+john 160 wpm: a ~14 s lead-in, an ad-lib, a skipped summary, two stumbles (one in a first sentence), per-section tempo 0.94–1.06, pink noise −49 dBFS (~2.5 min)', seed: 1401, split: 'heldout' },
    v('espeak-ng', 'en-us+john', 160),
    'an-100.md',
    { maxWords: 380, sectionWords: 70 },
    { leadIn: 14, adLibs: 1, skip: 1, stumbles: 1, firstStumbles: 1, tempoDrift: [0.94, 1.06], effects: { noise: { dbfs: -49, color: 'pink' } } },
  ),
  synthetic(
    { name: 'fresh8-aunty-cut', description: 'an-079 from its fourth section, espeak-ng en-gb+aunty 185 wpm: a ~5 s lead-in, a re-read sentence, long pauses (1.5–3 s), cut partway through the issue, white noise −50 dBFS (~2 min)', seed: 1402, split: 'heldout' },
    v('espeak-ng', 'en-gb+aunty', 185),
    'an-079.md',
    { from: 3, maxWords: 330, sectionWords: 60 },
    { leadIn: 5, repeats: 1, pause: [1.5, 3], cut: true, effects: { noise: { dbfs: -50 } } },
  ),
  composed(
    { name: 'fresh8-real-sonnets-jfk-broken', description: 'sonnets: JFK as the lead-in, I with its eighth line said twice, II without its heading and its first line broken off (40 %) and restarted, III in full, Spanish fragments as closing words; atempo 1.04, brown noise −49 dBFS (~2.8 min)', seed: 1403, split: 'heldout' },
    'sonnets',
    ({ es, sonnets: f }) => [P(0.5), jfk(), P(1.4), section('sonnet-1', span(f[0], 0, 8), { pause: 0.5 }, span(f[0], 8, 14)), P(1.3), section('sonnet-2', brokenOff(f[1], 1, 0.4), { pause: 0.6 }, span(f[1], 1, 14)), P(1.5), section('sonnet-3', span(f[2], 0, 14)), P(1.2), unscripted('Spanish closing words', span(es, 28, 30)), P(0.7)],
    { effects: { tempo: 1.04, noise: { dbfs: -49, color: 'brown' } } },
  ),
  composed(
    { name: 'fresh8-real-de-skip-jfk-cut', description: 'the German reading as 4 sections (language de): no lead-in, 1 in full, 2 not read, JFK between 1 and 3, 3 with its third fragment said twice, cut 60 % into 4; pink noise −50 dBFS (~1.4 min)', seed: 1404, split: 'heldout' },
    'de',
    ({ de }) => [P(0.7), section('de-1', span(de, 0, 5)), P(1.3), jfk(), P(1.2), section('de-3', span(de, 12, 14), { pause: 0.5 }, span(de, 14, 17)), P(1.1), section('de-4', span(de, 18, 23)), P(0.8)],
    { cut: { section: 'de-4', fraction: 0.6 }, effects: { noise: { dbfs: -50, color: 'pink' } } },
  ),
];

// ninth round (2026-12-08, sixth session): written after three rules from held-out misses
// (a heading whose words open the summary is no false start; a false start after an
// ad-lib; a mark goes before a sound in the pause that runs into the first word), before
// any of these was run; voices used nowhere else in the eval
const fresh9: EvalCase[] = [
  synthetic(
    { name: 'fresh9-travis', fresh: true, description: 'an-090, espeak-ng en-us+travis 165 wpm: a ~10 s lead-in, two ad-libs, a skipped summary, two first-sentence stumbles and one later, atempo 0.97, 60 Hz hum −47 dBFS (~2.5 min)', seed: 1501, split: 'heldout' },
    v('espeak-ng', 'en-us+travis', 165),
    'an-090.md',
    { maxWords: 380, sectionWords: 70 },
    { leadIn: 10, adLibs: 2, skip: 1, firstStumbles: 2, stumbles: 1, effects: { tempo: 0.97, hum: { dbfs: -47, hz: 60 } } },
  ),
  synthetic(
    { name: 'fresh9-lee-cut', fresh: true, description: 'an-095, espeak-ng en-gb-x-rp+Lee 170 wpm: a ~3 s lead-in, an ad-lib, a re-read sentence, cut partway through the issue, pink noise −48 dBFS (~2 min)', seed: 1502, split: 'heldout' },
    v('espeak-ng', 'en-gb-x-rp+Lee', 170),
    'an-095.md',
    { maxWords: 330, sectionWords: 60 },
    { leadIn: 3, adLibs: 1, repeats: 1, cut: true, effects: { noise: { dbfs: -48, color: 'pink' } } },
  ),
  composed(
    { name: 'fresh9-real-sonnets-jfk-false-start', fresh: true, description: 'sonnets: no lead-in, I in full, JFK between I and II, II with its heading then its first line broken off (30 %) and restarted, III without its heading; white noise −50 dBFS (~2.6 min)', seed: 1503, split: 'heldout' },
    'sonnets',
    ({ sonnets: f }) => [P(0.6), section('sonnet-1', span(f[0], 0, 14)), P(1.3), jfk(), P(1.2), section('sonnet-2', span(f[1], 0), { pause: 0.9 }, brokenOff(f[1], 1, 0.3), { pause: 0.45 }, span(f[1], 1, 14)), P(1.4), section('sonnet-3', span(f[2], 1, 14)), P(0.8)],
    { effects: { noise: { dbfs: -50 } } },
  ),
  composed(
    { name: 'fresh9-real-es-de-lead-broken', fresh: true, description: 'the Spanish reading as 4 sections (language es): German fragments as a lead-in, 1 in full, 2 with its first fragment broken off (50 %) and restarted, 3 not read, 4 in full; atempo 1.02, brown noise −49 dBFS (~1.5 min)', seed: 1504, split: 'heldout' },
    'es',
    ({ de, es }) => [P(0.7), unscripted('German lead-in', span(de, 6, 8)), P(1.3), section('es-1', span(es, 0, 7)), P(1.2), section('es-2', brokenOff(es, 8, 0.5), { pause: 0.5 }, span(es, 8, 15)), P(1.3), section('es-4', span(es, 24, 31)), P(0.8)],
    { effects: { tempo: 1.02, noise: { dbfs: -49, color: 'brown' } } },
  ),
];

export const CORPUS: EvalCase[] = [
  {
    name: 'ci-synthetic',
    split: 'tune',
    voice: 'flite kal',
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
    split: 'tune',
    voice: 'espeak-ng en-us+m3',
    description: 'an-085, espeak-ng en-us+m3 180 wpm: a stumble, atempo 1.1, hum −45 dBFS, −10 dB drop at 50 % (~1.5 min)',
    seed: 102,
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
    split: 'tune',
    voice: 'librivox sonnets',
    description: 'sonnets I–III (LibriVox), the German reading spliced between I and II as unscripted speech (~4 min)',
    seed: 201,
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
    split: 'tune',
    voice: 'flite slt',
    description: 'an-079 from the start, flite slt, no perturbations: the baseline (~4 min)',
    seed: 1,
    async script() {
      const { sections } = await issueSections('an-079.md', { maxWords: 650, sectionWords: 110 });
      return narrated(sections, { voice: v('flite', 'slt') }, this.seed);
    },
  },
  {
    name: 'intro-adlibs-awb',
    split: 'tune',
    voice: 'flite awb',
    description: 'an-080, flite awb 160 wpm: spoken intro, 3 ad-libs, outro (~4 min)',
    seed: 2,
    async script() {
      const { number, sections } = await issueSections('an-080.md', { maxWords: 600, sectionWords: 130 });
      return narrated(sections, { voice: v('flite', 'awb', 160), intro: number, adLibs: 3, outro: true }, this.seed);
    },
  },
  {
    name: 'skip-espeak-m3',
    split: 'tune',
    voice: 'espeak-ng en-us+m3',
    description: 'an-083 (later part), espeak-ng en-us+m3 160 wpm: intro, 2 skipped summaries, white noise −50 dBFS, outro (~4 min)',
    seed: 3,
    async script() {
      const { number, sections } = await issueSections('an-083.md', { from: 8, maxWords: 700, sectionWords: 90 });
      return narrated(sections, { voice: v('espeak-ng', 'en-us+m3', 160), intro: number, skip: 2, outro: true, effects: { noise: { dbfs: -50 } } }, this.seed);
    },
  },
  {
    name: 'tempo-rms',
    split: 'tune',
    voice: 'flite rms',
    description: 'an-088, flite rms: per-section atempo 0.9–1.05 then atempo 1.15 on the whole file, an ad-lib (~3.5 min)',
    seed: 4,
    async script() {
      const { sections } = await issueSections('an-088.md', { maxWords: 700, sectionWords: 100 });
      return narrated(sections, { voice: v('flite', 'rms'), adLibs: 1, tempoDrift: [0.9, 1.05], effects: { tempo: 1.15 } }, this.seed);
    },
  },
  {
    name: 'noisy-hum-drop-gb',
    split: 'tune',
    voice: 'espeak-ng en-gb+f2',
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
    split: 'tune',
    voice: 'espeak-ng en-us+f4',
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
    split: 'tune',
    voice: 'flite kal16',
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
    split: 'tune',
    voice: 'flite slt',
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
    split: 'tune',
    voice: 'librivox sonnets',
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
    split: 'tune',
    voice: 'librivox sonnets',
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
    split: 'tune',
    voice: 'librivox sonnets',
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
    split: 'tune',
    voice: 'flite awb',
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
    split: 'tune',
    voice: 'espeak-ng en-gb-x-rp',
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
  ...tunePartial,
  ...tuneMix,
  ...tuneCutLast,
  ...tuneRereads,
  ...heldOut,
  heldOutLong,
  ...realFromFragments,
  ...fresh,
  ...fresh2,
  ...fresh3,
  ...fresh4,
  ...fresh5,
  ...fresh6,
  ...fresh7,
  ...fresh8,
  ...fresh9,
];

export function findCase(name: string): EvalCase {
  const c = CORPUS.find((x) => x.name === name);
  if (!c) throw new Error(`no eval case "${name}"; cases: ${CORPUS.map((x) => x.name).join(', ')}`);
  return c;
}
