/**
 * Imported items into the manifest: each keeps its GUID and pubDate; an item that stands
 * for an issue becomes that issue's episode (so a later build of the issue re-masters it
 * under the same GUID), any other item is kept as it was (a trailer, a bonus). An item
 * whose GUID is already in the manifest is left alone, so importing the same feed twice
 * changes nothing.
 */
import type { Manifest, ManifestEpisode, ManifestOther } from '../store/manifest.js';
import { slugFrom } from '../store/keys.js';
import type { SourceFeed, SourceItem } from './read-feed.js';
import { createHash } from 'node:crypto';

export interface ImportOutcome {
  manifest: Manifest;
  /** Items that entered the manifest: as issue episodes, or as other items. */
  addedIssues: number[];
  addedOthers: string[];
  /** GUIDs already in the manifest (a second import). */
  unchanged: string[];
  /** Items not imported, and why (duplicates in the feed, an issue that already has an episode). */
  problems: { position: number; title: string; problem: string }[];
  /** Imported with a flaw of the old feed (a missing enclosure length). */
  warnings: { position: number; title: string; warning: string }[];
}

const issueSlug = (n: number) => `an-${String(n).padStart(3, '0')}`;

function otherSlug(guid: string, taken: ReadonlySet<string>): string {
  const base = `imported-${createHash('sha256').update(guid).digest('hex').slice(0, 8)}`;
  let slug = base;
  for (let i = 2; taken.has(slug); i++) slug = `${base}-${i}`;
  return slug;
}

export function mergeImport(manifest: Manifest, feed: SourceFeed): ImportOutcome {
  const episodes = new Map(manifest.episodes.map((e) => [e.number, e]));
  const others: ManifestOther[] = [...(manifest.others ?? [])];
  const guids = new Set([...manifest.episodes.map((e) => e.guid), ...others.map((o) => o.guid)]);
  const slugs = new Set([...manifest.episodes.map((e) => e.slug), ...others.map((o) => o.slug)]);
  const out: ImportOutcome = { manifest, addedIssues: [], addedOthers: [], unchanged: [], problems: [...feed.problems], warnings: [...feed.warnings] };

  const asOther = (s: SourceItem): void => {
    const slug = otherSlug(s.guid, slugs);
    slugs.add(slug);
    others.push({ slug, guid: s.guid, pubDate: s.published, firstPublishedAt: s.published, updatedAt: s.published, imported: s.item });
    out.addedOthers.push(s.guid);
  };

  for (const s of feed.items) {
    if (guids.has(s.guid)) {
      out.unchanged.push(s.guid);
      continue;
    }
    guids.add(s.guid);
    if (s.issue === undefined) {
      asOther(s);
      continue;
    }
    const existing = episodes.get(s.issue);
    if (existing) {
      out.problems.push({
        position: s.position,
        title: s.item.title,
        problem: `issue #${s.issue} already has an episode (GUID ${existing.guid}); imported as an item of its own, not as the issue`,
      });
      asOther(s);
      continue;
    }
    let slug = issueSlug(s.issue);
    if (slugs.has(slug)) slug = slugFrom(`${slug}-imported`, s.issue);
    slugs.add(slug);
    const entry: ManifestEpisode = {
      number: s.issue,
      slug,
      guid: s.guid,
      pubDate: s.published,
      firstPublishedAt: s.published,
      updatedAt: s.published,
      title: s.item.title,
      ...(s.item.link ? { url: s.item.link } : {}),
      description: s.item.description,
      notesHtml: s.item.contentEncoded ?? '',
      transcripts: {},
      imported: s.item,
    };
    episodes.set(s.issue, entry);
    out.addedIssues.push(s.issue);
  }
  out.manifest = {
    ...manifest,
    episodes: [...episodes.values()].sort((a, b) => a.number - b.number),
    ...(others.length ? { others } : {}),
  };
  return out;
}
