/**
 * Chapters as the feed carries them inside each item: Podlove Simple Chapters
 * (`psc:chapters`, read by Spotify, feedparser and apps that never fetch the chapters JSON),
 * with titles short enough for players, which cut them at about 40 characters.
 */
import type { ChapterMark } from '../store/manifest.js';

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

export interface ChapterTitleSettings {
  maxLength: number;
  /** A short form per full title. */
  short: Readonly<Record<string, string>>;
}

/**
 * The title a player shows: the configured short form when there is one, else the title
 * itself when it fits, else cut at the last word boundary that fits, with "…".
 */
export function shortChapterTitle(title: string, settings: ChapterTitleSettings): string {
  const chosen = settings.short[title] ?? title;
  const chars = [...chosen];
  if (chars.length <= settings.maxLength) return chosen;
  const room = chars.slice(0, settings.maxLength - 1).join('');
  // a word that ends right where the room does stays whole
  const endsWord = /[\s,;:.!?)–—-]/u.test(chars[settings.maxLength - 1] ?? ' ');
  const space = room.lastIndexOf(' ');
  const cut = endsWord ? room : space >= settings.maxLength / 2 ? room.slice(0, space) : room;
  return `${cut.replace(/[\s,;:.–—-]+$/u, '')}…`;
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
