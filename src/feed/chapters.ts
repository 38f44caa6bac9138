/**
 * Chapters as the feed carries them inside each item: Podlove Simple Chapters
 * (`psc:chapters`, read by Spotify, feedparser and apps that never fetch the chapters JSON),
 * with the player titles of the ID3 chapters and chapters.json (episode/chapter-titles.ts).
 */
import type { ChapterMark } from '../store/manifest.js';
import { shortChapterTitle, type ChapterTitleSettings } from '../episode/chapter-titles.js';

export { shortChapterTitle, type ChapterTitleSettings };

export const PSC_NAMESPACE = 'http://podlove.org/simple-chapters';
export const PSC_VERSION = '1.2';

/** Normal play time as Podlove asks for it and feedparser reads it: HH:MM:SS.mmm. */
export function normalPlayTime(seconds: number): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

export interface PscChapter {
  start: string;
  title: string;
  href?: string;
}

/** The psc:chapter entries of an episode, in start order. */
export function pscChapters(marks: readonly ChapterMark[], settings: ChapterTitleSettings): PscChapter[] {
  return [...marks]
    .sort((a, b) => a.start - b.start)
    .map((m) => ({ start: normalPlayTime(m.start), title: shortChapterTitle(m.title, settings), ...(m.href ? { href: m.href } : {}) }));
}
