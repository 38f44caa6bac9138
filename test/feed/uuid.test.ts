import { describe, expect, it } from 'vitest';
import { PODCAST_GUID_NAMESPACE, podcastGuid, uuidV5 } from '../../src/feed/uuid.js';

describe('uuidV5', () => {
  it('matches the RFC/Python vector (DNS namespace, "python.org")', () => {
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('matches the podcast namespace vectors (podnews.net/rss, mp3s.nashownotes.com/pc20rss.xml)', () => {
    expect(uuidV5('podnews.net/rss', PODCAST_GUID_NAMESPACE)).toBe('9b024349-ccf0-5f69-a609-6b82873eab3c');
    expect(uuidV5('mp3s.nashownotes.com/pc20rss.xml', PODCAST_GUID_NAMESPACE)).toBe('917393e3-1b1e-5cef-ace4-edaa54e1f810');
  });

  it('gives podcastindex.org/namespace/1.0 its own UUID (9b02… belongs to podnews.net/rss)', () => {
    // Checked with Python: uuid.uuid5(UUID('ead4c236-…'), 'podcastindex.org/namespace/1.0').
    expect(uuidV5('podcastindex.org/namespace/1.0', PODCAST_GUID_NAMESPACE)).toBe('0b20eef2-824a-5f6a-bc6b-68f611056e0c');
  });

  it('sets version 5 and the RFC variant', () => {
    const id = uuidV5('anything', PODCAST_GUID_NAMESPACE);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('podcastGuid', () => {
  it('strips the scheme and trailing slashes of the feed URL', () => {
    expect(podcastGuid('https://podnews.net/rss')).toBe('9b024349-ccf0-5f69-a609-6b82873eab3c');
    expect(podcastGuid('http://podnews.net/rss/')).toBe('9b024349-ccf0-5f69-a609-6b82873eab3c');
    expect(podcastGuid('podnews.net/rss///')).toBe('9b024349-ccf0-5f69-a609-6b82873eab3c');
    expect(podcastGuid('https://mp3s.nashownotes.com/pc20rss.xml')).toBe('917393e3-1b1e-5cef-ace4-edaa54e1f810');
  });
});
