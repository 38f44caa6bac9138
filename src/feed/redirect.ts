/**
 * The redirect feed for a show's old location: the feed as it is now, naming the old URL as
 * its own and carrying itunes:new-feed-url with letterpod's feed URL, so apps that still
 * poll the old host move their subscription without showing anything new or losing anything.
 */
import type { Manifest } from '../store/manifest.js';
import { renderFeed } from './render.js';
import type { FeedSettings } from './settings.js';
import { feedUrl } from './urls.js';
import { LetterpodError } from '../errors.js';

export function renderRedirectFeed(config: FeedSettings, manifest: Manifest, oldUrl: string): string {
  const target = feedUrl(config.store.publicBaseUrl);
  let old: URL;
  try {
    old = new URL(oldUrl);
  } catch {
    throw new LetterpodError({ problem: `the old feed URL ${JSON.stringify(oldUrl)} is not a URL`, fix: 'Give the full address the show\'s feed had, like https://old-host.example/feed.rss' });
  }
  if (old.href === target) {
    throw new LetterpodError({ problem: `the old feed URL is the new one (${target}): apps would loop`, fix: 'Give the address the feed had on its previous host' });
  }
  return renderFeed(config, manifest, { newFeedUrl: target, selfUrl: old.href });
}
