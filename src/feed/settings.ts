/**
 * The pieces of the configuration the feed is rendered from — the show, the feed options
 * and the public base URL — as the feed needs them. A loaded config (config/config.ts)
 * has this shape; feed/ does not depend on how it is read or validated.
 */
export interface ShowSettings {
  title: string;
  description: string;
  author: string;
  owner: { name: string; email: string };
  language: string;
  link: string;
  copyright?: string;
  /** An Apple category, "Category" or "Category > Subcategory". */
  category: string;
  explicit: boolean;
  type: 'episodic' | 'serial';
  episodeTitle: string;
  narrator?: string;
  newsletterAuthor?: string;
  people: Record<string, { href?: string; img?: string }>;
}

export interface FeedSettings {
  show: ShowSettings;
  feed?: {
    itemLimit?: number;
    locked?: boolean;
    guid?: string;
    funding?: ReadonlyArray<{ url: string; text: string }>;
    txt?: ReadonlyArray<{ purpose?: string; text: string }>;
    medium?: string;
    seasons?: ReadonlyArray<{ number: number; fromIssue: number; name?: string }>;
    enclosurePrefix?: string;
    chapterTitles?: { maxLength: number; short: Record<string, string> };
    hubs?: readonly string[];
  };
  store: { publicBaseUrl: string };
  /** The config file, named in errors about its values. */
  file?: string;
}
