/** Small helpers the rules of `letterpod check` share: collecting findings, text and URLs of elements. */
import { NS, type Finding, type ParsedFeed, type Severity } from './feed.js';
import { attribute, children, textOf, type XmlElement } from './xml.js';

export type Push = (severity: Severity, rule: string, message: string, element?: XmlElement) => void;

export function collector(where: string, fallback: XmlElement): { findings: Finding[]; push: Push } {
  const findings: Finding[] = [];
  const push: Push = (severity, rule, message, element) => findings.push({ severity, rule, where, message, line: (element ?? fallback).line });
  return { findings, push };
}

export const text = (element: XmlElement | undefined): string => (element ? textOf(element).trim() : '');
export const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

export function absoluteUrl(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

export const NON_ASCII = /[^\x21-\x7e]/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.endsWith('.localhost');
}

/** The feed's atom:link rel="self" href, when it has one. */
export function selfUrl(feed: ParsedFeed): string | undefined {
  const self = children(feed.channel, NS.atom, 'link').find((l) => attribute(l, 'rel') === 'self');
  return self ? attribute(self, 'href') : undefined;
}

