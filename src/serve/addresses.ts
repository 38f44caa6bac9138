/**
 * What `letterpod serve` prints: the URLs it can be reached at, the feed URL to subscribe
 * to, and whether the feed's own links (store.publicBaseUrl) point at this server. Pure
 * functions of the listening address and the machine's interfaces.
 */
import type { NetworkInterfaceInfo } from 'node:os';
import { isIP } from 'node:net';

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

function baseUrl(address: string, port: number): string {
  return isIP(address) === 6 ? `http://[${address}]:${port}/` : `http://${address}:${port}/`;
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || h.startsWith('127.');
}

/** Base URLs ("http://host:port/") the server answers at, loopback first. */
export function listenUrls(host: string, port: number, interfaces: Interfaces): string[] {
  const any4 = host === '0.0.0.0';
  const any6 = host === '::';
  if (!any4 && !any6) return [baseUrl(host, port)];
  const urls = [baseUrl('127.0.0.1', port)];
  if (any6) urls.push(baseUrl('::1', port));
  for (const list of Object.values(interfaces)) {
    for (const info of list ?? []) {
      if (info.internal) continue;
      if (info.family === 'IPv4') urls.push(baseUrl(info.address, port));
      // Link-local IPv6 needs a zone id no podcast app takes.
      else if (any6 && !info.address.toLowerCase().startsWith('fe80')) urls.push(baseUrl(info.address, port));
    }
  }
  return [...new Set(urls)];
}

/** The base URL to give phones: the first one that is not loopback, if any. */
export function lanBaseUrl(urls: string[]): string {
  return urls.find((u) => !isLoopback(new URL(u).hostname)) ?? urls[0]!;
}

/**
 * A note when the feed's episode links (publicBaseUrl) do not lead to this server, so a
 * phone would fetch the feed here but the episodes elsewhere (or nowhere); undefined
 * when they do.
 */
export function publicBaseUrlNote(publicBaseUrl: string, urls: string[], hostnames: string[]): string | undefined {
  let base: URL;
  try {
    base = new URL(publicBaseUrl);
  } catch {
    return undefined;
  }
  const lan = lanBaseUrl(urls);
  const port = Number(new URL(lan).port);
  const basePort = Number(base.port || (base.protocol === 'https:' ? 443 : 80));
  const hosts = new Set([...urls.map((u) => new URL(u).hostname), ...hostnames].map((h) => h.toLowerCase()));
  const here = base.protocol === 'http:' && basePort === port && base.pathname === '/' && (hosts.has(base.hostname.toLowerCase()) || isLoopback(base.hostname));
  if (here && !(isLoopback(base.hostname) && !isLoopback(new URL(lan).hostname))) return undefined;
  const why = here ? 'which phones cannot reach' : 'not this server';
  return `note: the feed's episode links use store.publicBaseUrl ${publicBaseUrl} (${why}); for podcast apps on this network set it to ${lan} and run letterpod publish again`;
}
