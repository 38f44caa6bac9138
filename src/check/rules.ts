/**
 * The rules `letterpod check` applies: pure functions over a parsed feed (the tags Apple,
 * PSP-1 and the podcast namespace require, and what they must look like) and, for what the
 * feed points to, over a Fetcher (enclosure size vs HEAD, Range → 206, Content-Type, the
 * artwork's real size and shape, chapters and transcripts reachable).
 *
 * Severity: error = an app or directory refuses or mishandles it (Apple rejects the feed,
 * the episode does not play, GUIDs collide); warning = a recommendation of Apple/PSP-1 is
 * not met, or something works only in some apps; info = what was not checked, and why.
 *
 * They live in static-rules.ts (pure, over the parsed feed), network-rules.ts (through a
 * Fetcher) and rfc2822.ts (the date parser); this module is their entry point.
 */
export { parseRfc2822 } from './rfc2822.js';
export { badScheme, staticFindings } from './static-rules.js';
export { id3Urls, networkFindings, type NetworkOptions } from './network-rules.js';
export { selfUrl } from './rule-helpers.js';
