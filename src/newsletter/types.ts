/** The contract between `newsletter/` and every later stage (see docs/architecture.md). */

export type SectionKind = 'intro' | 'heading' | 'summary' | 'other';

export interface Link {
  text: string;
  url: string;
}

export interface Section {
  /** Stable within an issue: "s1", "s2", … in reading order. */
  id: string;
  kind: SectionKind;
  /** Display title (a summary's paper title, a heading's words, "Introduction"). */
  title: string;
  authors?: string;
  summarizer?: string;
  /** The summary body as written, markdown removed (display form, for show notes). */
  body?: string;
  /** The summarizer's opinion as written, markdown removed (display form). */
  opinion?: string;
  /** What the narrator is expected to say for this section, in spoken form:
   * no URLs, no markdown, no mail-footer junk. Used for alignment and transcripts. */
  text: string;
  links: Link[];
}

export interface Issue {
  number: number;
  title: string;
  /** ISO 8601 date-time, from front matter. */
  published?: string;
  url?: string;
  author?: string;
  /** The text's language (front matter `lang` or `language`, BCP 47 like "de" or "en-GB"). */
  language?: string;
  /** Which grammar parsed it: Alignment Newsletter style, generic markdown, or plain text. */
  format: 'an-markdown' | 'markdown' | 'plain';
  sections: Section[];
  /** The file it came from. */
  source: string;
}
