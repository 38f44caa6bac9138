/**
 * WebSub: telling apps there is a new episode. The feed names its hubs
 * (`<atom:link rel="hub">`); after a publish that changed feed.xml, each hub gets a publish
 * ping (`hub.mode=publish&hub.url=<feed URL>`, form-encoded POST) and fetches the feed for
 * its subscribers. A ping that fails is a warning: the feed is already published.
 */

export interface HubPing {
  hub: string;
  ok: boolean;
  /** HTTP status, when the hub answered. */
  status?: number;
  /** Why the ping failed (a warning, never a failed publish). */
  problem?: string;
}

export async function pingHubs(hubs: readonly string[], feedUrl: string, timeoutMs = 10_000): Promise<HubPing[]> {
  const body = new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': feedUrl }).toString();
  return Promise.all(
    hubs.map(async (hub): Promise<HubPing> => {
      try {
        const res = await fetch(hub, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return { hub, ok: true, status: res.status };
        return { hub, ok: false, status: res.status, problem: `the hub answered HTTP ${res.status}` };
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        return { hub, ok: false, problem: `the hub could not be reached (${cause ?? (error as Error).message})` };
      }
    }),
  );
}

/** The warning line for a failed ping. */
export function pingWarning(p: HubPing): string {
  return `WebSub ping to ${p.hub} failed: ${p.problem}; apps learn of the episode when they next poll the feed`;
}
