/**
 * Apple Podcasts categories (podcasters.apple.com/support/1691, the 2019 list still in use):
 * 19 categories, most with subcategories. Apple matches the text case-sensitively, so
 * "Kids & family" is as wrong as a made-up name; a feed may name a category alone or
 * a category with one of its own subcategories.
 */
import { LetterpodError } from '../errors.js';

/** An itunes:category element: its text and at most one subcategory. */
export interface ItunesCategory {
  text: string;
  subcats?: ItunesCategory[];
}

export const APPLE_CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  Arts: ['Books', 'Design', 'Fashion & Beauty', 'Food', 'Performing Arts', 'Visual Arts'],
  Business: ['Careers', 'Entrepreneurship', 'Investing', 'Management', 'Marketing', 'Non-Profit'],
  Comedy: ['Comedy Interviews', 'Improv', 'Stand-Up'],
  Education: ['Courses', 'How To', 'Language Learning', 'Self-Improvement'],
  Fiction: ['Comedy Fiction', 'Drama', 'Science Fiction'],
  Government: [],
  History: [],
  'Health & Fitness': ['Alternative Health', 'Fitness', 'Medicine', 'Mental Health', 'Nutrition', 'Sexuality'],
  'Kids & Family': ['Education for Kids', 'Parenting', 'Pets & Animals', 'Stories for Kids'],
  Leisure: ['Animation & Manga', 'Automotive', 'Aviation', 'Crafts', 'Games', 'Hobbies', 'Home & Garden', 'Video Games'],
  Music: ['Music Commentary', 'Music History', 'Music Interviews'],
  News: ['Business News', 'Daily News', 'Entertainment News', 'News Commentary', 'Politics', 'Sports News', 'Tech News'],
  'Religion & Spirituality': ['Buddhism', 'Christianity', 'Hinduism', 'Islam', 'Judaism', 'Religion', 'Spirituality'],
  Science: [
    'Astronomy', 'Chemistry', 'Earth Sciences', 'Life Sciences', 'Mathematics', 'Natural Sciences', 'Nature', 'Physics',
    'Social Sciences',
  ],
  'Society & Culture': ['Documentary', 'Personal Journals', 'Philosophy', 'Places & Travel', 'Relationships'],
  Sports: [
    'Baseball', 'Basketball', 'Cricket', 'Fantasy Sports', 'Football', 'Golf', 'Hockey', 'Rugby', 'Running', 'Soccer',
    'Swimming', 'Tennis', 'Volleyball', 'Wilderness', 'Wrestling',
  ],
  Technology: [],
  'True Crime': [],
  'TV & Film': ['After Shows', 'Film History', 'Film Interviews', 'Film Reviews', 'TV Reviews'],
};

/** Every valid config value: "Technology", "Society & Culture > Philosophy", … */
export function categoryNames(): string[] {
  return Object.entries(APPLE_CATEGORIES).flatMap(([main, subs]) => [main, ...subs.map((s) => `${main} > ${s}`)]);
}

function split(category: string): string[] {
  return category
    .split('>')
    .map((part) => part.trim().replace(/\s+/g, ' '))
    .filter(Boolean);
}

/** Whether `main` (and `sub`, when given) is on Apple's list, exactly as spelled. */
export function isAppleCategory(main: string, sub?: string): boolean {
  const subs = Object.hasOwn(APPLE_CATEGORIES, main) ? APPLE_CATEGORIES[main] : undefined;
  if (!subs) return false;
  return sub === undefined || subs.includes(sub);
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The list entry `category` most likely means: same but for case/spacing, a subcategory given alone, or a typo away. */
function closest(category: string): string | undefined {
  const key = (s: string) => s.toLowerCase().replace(/[^a-z0-9&>]+/g, '');
  const wanted = key(category);
  const names = categoryNames();
  const exact =
    names.find((n) => key(n) === wanted) ??
    // a subcategory given alone ("Philosophy") → its full path
    names.find((n) => n.includes(' > ') && key(n.split(' > ')[1]!) === wanted);
  if (exact) return exact;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(wanted.length / 5)) + 1;
  for (const n of names) {
    const d = Math.min(distance(wanted, key(n)), n.includes(' > ') ? distance(wanted, key(n.split(' > ')[1]!)) : Infinity);
    if (d < bestDistance) {
      best = n;
      bestDistance = d;
    }
  }
  return best;
}

/** Why a config category ("Main" or "Main > Sub") is not one of Apple's, or undefined when it is. */
export function categoryProblem(category: string): string | undefined {
  const parts = split(category);
  if (parts.length === 0) return 'empty';
  if (parts.length > 2) return `"${category}" has more than one subcategory (Apple's list has two levels)`;
  const [main, sub] = parts as [string, string | undefined];
  if (isAppleCategory(main, sub)) return undefined;
  const suggestion = closest(category);
  const hint = suggestion ? `; did you mean "${suggestion}"?` : '; see Apple\'s list (podcasters.apple.com/support/1691)';
  if (!isAppleCategory(main)) return `"${main}" is not an Apple Podcasts category${hint}`;
  return `"${sub}" is not a subcategory of "${main}"${hint}`;
}

/** "Society & Culture > Philosophy" → the itunes:category tree; throws on a category Apple does not know. */
export function parseCategory(category: string, file = 'config'): ItunesCategory[] {
  const problem = categoryProblem(category);
  if (problem) {
    throw new LetterpodError({
      file,
      problem: `show.category: ${problem}`,
      fix: 'Use a category from Apple\'s list, optionally with a subcategory, e.g. "Technology" or "Society & Culture > Philosophy"',
    });
  }
  const [main, sub] = split(category) as [string, string | undefined];
  return [sub ? { text: main, subcats: [{ text: sub }] } : { text: main }];
}
