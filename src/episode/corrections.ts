/**
 * The producer's corrections of an episode: `newsletters/<issue>.review.json`, beside the
 * issue text, small and diffable, written by the review page or by hand:
 *
 * ```json
 * {
 *   "recordingSha256": "9f86d0…",
 *   "sections": {
 *     "s3": { "startSeconds": 312.4 },
 *     "s4": { "startSeconds": 401.0, "title": "Debate" },
 *     "s5": "not-read",
 *     "s6": "no-chapter"
 *   }
 * }
 * ```
 *
 * Per section id (the ids of episode.json's chapters and `skipped`): a corrected start in
 * episode seconds (as chapters.json has them; it also gives a chapter to a summary found
 * not read), a shorter title for players, "not-read" (no chapter, its transcript cues
 * dropped, listed as not read) or "no-chapter" (its seconds belong to the chapter before).
 * It applies only to the recording whose sha256 it names: another take ignores it, with a
 * warning naming the file.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { z } from 'zod';
import { LetterpodError } from '../errors.js';
import { sha256Buffer } from '../hash.js';

/** Longest title kept for players (Spotify shows ~40 characters). */
export const MAX_TITLE_LENGTH = 200;

const sectionCorrection = z.union([
  z.literal('not-read'),
  z.literal('no-chapter'),
  z
    .strictObject({
      startSeconds: z.number().finite().nonnegative().optional(),
      title: z.string().trim().min(1, 'an empty title').max(MAX_TITLE_LENGTH).optional(),
    })
    .refine((c) => c.startSeconds !== undefined || c.title !== undefined, 'give "startSeconds", "title" or both'),
]);

export const correctionsSchema = z.strictObject({
  recordingSha256: z.string().regex(/^[0-9a-f]{64}$/, 'the recording\'s sha256 (64 hex digits)'),
  sections: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'a section id like "s3"'), sectionCorrection),
});

export type Corrections = z.infer<typeof correctionsSchema>;
export type SectionCorrection = z.infer<typeof sectionCorrection>;

export interface LoadedCorrections {
  file: string;
  corrections: Corrections;
  /** sha256 of the file's bytes: what an approval records. */
  sha256: string;
}

/** newsletters/an-102.md → newsletters/an-102.review.json */
export function correctionsPath(issueSource: string): string {
  return join(dirname(issueSource), `${basename(issueSource, extname(issueSource))}.review.json`);
}

/** Parse and validate corrections; a clear error naming the file and the first problems. */
export function parseCorrections(text: string, file: string): Corrections {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new LetterpodError({ file, problem: `not valid JSON (${(cause as Error).message})`, fix: 'Fix the JSON, or delete the file to drop the corrections', cause });
  }
  const result = correctionsSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`)
      .join('; ');
    throw new LetterpodError({
      file,
      problem: `corrections are not valid (${problems})`,
      fix: 'Each section id maps to {"startSeconds": 12.3, "title": "…"}, "not-read" or "no-chapter", beside "recordingSha256"',
    });
  }
  return result.data;
}

/** The corrections beside an issue text, or undefined when there is no such file. */
export async function readCorrections(issueSource: string): Promise<LoadedCorrections | undefined> {
  const file = correctionsPath(issueSource);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return { file, corrections: parseCorrections(bytes.toString('utf8'), file), sha256: sha256Buffer(bytes) };
}

/** Deterministic text for a corrections file (sections in id order, one per line group). */
export function serializeCorrections(c: Corrections): string {
  const ids = Object.keys(c.sections).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const sections: Record<string, SectionCorrection> = {};
  for (const id of ids) sections[id] = c.sections[id]!;
  return JSON.stringify({ recordingSha256: c.recordingSha256, sections }, null, 2) + '\n';
}
