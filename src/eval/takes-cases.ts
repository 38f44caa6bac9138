/**
 * Issues recorded as several takes, with known truth: each take is a composed narration
 * (compose.ts) of a run of the issue's sections, with the room's noise under it (the room
 * tone letterpod joins the takes with) and its own level, copied into a take folder under
 * a name that says nothing of the order. Deterministic per case; cached in `cacheRoot`.
 */
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readIssue } from '../newsletter/index.js';
import type { Issue } from '../newsletter/types.js';
import { prng } from '../demo/narrate.js';
import { buildCase, type CaseSection, type Effects, type Part, type Segment, type Truth, type TtsVoice } from './compose.js';

export interface TakeSpec {
  /** Section ids this take reads, in order. */
  sections: string[];
  /** Who reads it: a TTS voice, or real readings (one file of ../shared per section). */
  voice?: TtsVoice;
  files?: Record<string, string>;
  /** Level of the take relative to compose's speech level (dB). */
  gainDb?: number;
  /** Room tone under the whole take. */
  noise?: Effects['noise'];
  /** The take's file name in the take folder. */
  name: string;
}

export interface TakesCaseSpec {
  name: string;
  seed: number;
  sections: CaseSection[];
  takes: TakeSpec[];
  language?: string;
}

export interface BuiltTake {
  spec: TakeSpec;
  /** The take in the take folder. */
  file: string;
  truth: Truth;
}

export interface BuiltTakesCase {
  name: string;
  folder: string;
  takes: BuiltTake[];
}

/** An issue's sections as a case's text (those with text). */
export function caseSections(issue: Issue): CaseSection[] {
  return issue.sections.filter((s) => s.text.trim()).map((s) => ({ id: s.id, kind: s.kind, title: s.title, text: s.text }));
}

export async function issueSections(file: string): Promise<CaseSection[]> {
  return caseSections(await readIssue(file));
}

function takeScript(c: TakesCaseSpec, t: TakeSpec, k: number): { seed: number; sections: CaseSection[]; segments: Segment[]; effects?: Effects; language?: string } {
  const rnd = prng(c.seed * 31 + k);
  const segments: Segment[] = [{ kind: 'pause', seconds: 0.6 + 0.6 * rnd() }];
  t.sections.forEach((id, i) => {
    const s = c.sections.find((x) => x.id === id);
    if (!s) throw new Error(`${c.name}: take ${t.name} reads ${id}, not a section`);
    if (i > 0) segments.push({ kind: 'pause', seconds: 0.9 + 0.7 * rnd() });
    const part: Part = t.files?.[id] ? { file: t.files[id], gainDb: t.gainDb ?? 0 } : { tts: s.text, voice: t.voice!, gainDb: t.gainDb ?? 0 };
    segments.push({ kind: 'section', id, parts: [part] });
  });
  segments.push({ kind: 'pause', seconds: 0.8 + 0.8 * rnd() });
  return { seed: c.seed * 31 + k, sections: c.sections, segments, ...(t.noise ? { effects: { noise: t.noise } } : {}), ...(c.language ? { language: c.language } : {}) };
}

/** Render every take (cached) and copy them into `<workDir>/<case>/` under their names. */
export async function buildTakesCase(c: TakesCaseSpec, cacheRoot: string, workDir: string): Promise<BuiltTakesCase> {
  const folder = join(workDir, c.name);
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  const takes: BuiltTake[] = [];
  for (const [k, t] of c.takes.entries()) {
    const built = await buildCase(`${c.name}-take${k + 1}`, takeScript(c, t, k), cacheRoot);
    const file = join(folder, t.name);
    await copyFile(built.audio, file);
    takes.push({ spec: t, file, truth: built.truth });
  }
  return { name: c.name, folder, takes };
}

/** Split the sections into `n` runs, each starting at a heading or the intro and holding at least one section that is not a heading. */
export function splitIntoTakes(sections: readonly CaseSection[], n: number): string[][] {
  const readable = (from: number, to: number) => sections.slice(from, to).some((s) => s.kind !== 'heading');
  const candidates = sections.map((s, i) => ({ s, i })).filter(({ s, i }) => i > 0 && s.kind === 'heading').map((x) => x.i);
  const cut: number[] = [0];
  for (let k = 1; k < n; k++) {
    const want = (k / n) * sections.length;
    const ok = candidates.filter((i) => !cut.includes(i) && [...cut, i].sort((a, b) => a - b).every((b, j, all) => readable(b, all[j + 1] ?? sections.length)));
    const best = ok.sort((a, b) => Math.abs(a - want) - Math.abs(b - want))[0];
    if (best !== undefined) cut.push(best);
  }
  const bounds = cut.sort((a, b) => a - b);
  return bounds.map((b, k) => sections.slice(b, bounds[k + 1] ?? sections.length).map((s) => s.id));
}
