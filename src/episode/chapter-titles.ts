/**
 * Chapter titles as players show them. Players cut a chapter title at about 40 characters,
 * and a summary's title is often longer: the ID3 chapters, chapters.json and psc:chapters
 * carry a short form — the one configured for that title (`feed.chapterTitles.short`), else
 * the title cut where a word ends. Show notes and the transcript keep the full title.
 */

export interface ChapterTitleSettings {
  maxLength: number;
  /** A short form per full title. */
  short: Readonly<Record<string, string>>;
}

export const DEFAULT_CHAPTER_TITLES: ChapterTitleSettings = { maxLength: 40, short: {} };

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

/** The chapters with their player titles. */
export function playerChapters<T extends { title: string }>(chapters: readonly T[], settings: ChapterTitleSettings = DEFAULT_CHAPTER_TITLES): T[] {
  return chapters.map((c) => ({ ...c, title: shortChapterTitle(c.title, settings) }));
}
