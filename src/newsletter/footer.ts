/**
 * Mail and web junk that is never read aloud: the mail footer (everything from its first
 * line on is dropped) and single junk paragraphs ("View this email in your browser",
 * the "Audio version here" line, image-only lines).
 * Both take display text (markdown already removed).
 */

/** A paragraph that starts the footer: it and everything after it are dropped. */
const FOOTER_START: readonly RegExp[] = [
  /^want to change how you receive these emails/i,
  /^you are receiving this/i,
  /^you (?:can )?(?:update your preferences|unsubscribe)/i,
  /unsubscribe from this list/i,
  /^(?:copyright\b|©)/i,
  /^our mailing address is/i,
  /^this email was sent to/i,
  /^i['’]m always happy to hear feedback/i,
  /^an audio podcast version of the alignment newsletter/i,
  /^new comment$/i,
  /^\d+ comments?$/i,
];

/** Headings that start the footer in Alignment Newsletter issues. */
const FOOTER_HEADING = /^(?:feedback|podcast|subscribe)$/i;

/** Paragraphs dropped on their own. */
const JUNK: readonly RegExp[] = [
  /^view this email in (?:your|a) browser\.?$/i,
  /^audio version here\b/i,
  /^(?:forward to a friend|share|tweet|forward)$/i,
];

export function isFooterStart(display: string): boolean {
  const t = display.trim();
  return FOOTER_START.some((re) => re.test(t));
}

export function isFooterHeading(display: string): boolean {
  return FOOTER_HEADING.test(display.trim());
}

export function isJunkParagraph(display: string): boolean {
  const t = display.trim();
  return t === '' || JUNK.some((re) => re.test(t));
}
