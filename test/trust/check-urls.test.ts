/** Issue 14 item 6: `letterpod check` flags any URL scheme but http(s) in the feed, the chapters JSON and the MP3's ID3 tag. */
import { describe, expect, it } from 'vitest';
import { renderId3 } from '../../src/audio/id3.js';
import { parseFeed } from '../../src/check/feed.js';
import type { Fetcher, ProbeResult } from '../../src/check/fetch.js';
import { badScheme, id3Urls, networkFindings, staticFindings } from '../../src/check/rules.js';

const feedXml = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>T</title><link>https://example.org/</link><description>D</description>
<item><title>One</title><link>javascript:alert(1)</link><guid isPermaLink="false">a</guid>
<description>x</description><content:encoded><![CDATA[<p><a href=" JaVaScript:alert(2)">x</a> <a href="https://ok.example/">ok</a></p>]]></content:encoded>
<enclosure url="https://cdn.example.org/a.mp3" length="10" type="audio/mpeg"/>
<podcast:chapters url="https://cdn.example.org/c.json" type="application/json+chapters"/>
</item></channel></rss>`;

/** An ID3 tag with a javascript: WXXX inside a CHAP, written by hand (ours never writes one). */
function evilTag(): Buffer {
  const frame = (id: string, body: Buffer) => {
    const h = Buffer.alloc(10);
    h.write(id, 0, 'latin1');
    h.writeUInt32BE(body.length, 4);
    return Buffer.concat([h, body]);
  };
  const wxxx = frame('WXXX', Buffer.concat([Buffer.from([0, 0]), Buffer.from('javascript:alert(3)', 'latin1')]));
  const times = Buffer.alloc(16, 0xff);
  const chap = frame('CHAP', Buffer.concat([Buffer.from('chp0\0', 'latin1'), times, wxxx]));
  const body = Buffer.concat([chap, Buffer.alloc(16)]);
  const size = Buffer.from([(body.length >> 21) & 0x7f, (body.length >> 14) & 0x7f, (body.length >> 7) & 0x7f, body.length & 0x7f]);
  return Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([3, 0, 0]), size, body]);
}

describe('only http(s) URLs', () => {
  it('flags javascript: in an item link and in the notes\' HTML (even obfuscated)', () => {
    const parsed = parseFeed(Buffer.from(feedXml));
    const found = staticFindings(parsed.feed!).filter((f) => f.rule === 'url.scheme');
    expect(found.map((f) => f.message)).toEqual([
      expect.stringMatching(/^<link> is a javascript: URL/),
      expect.stringMatching(/^a link in <content:encoded> is a javascript: URL/),
    ]);
    expect(found.every((f) => f.severity === 'error')).toBe(true);
    expect(badScheme('https://x')).toBeUndefined();
    expect(badScheme('data:text/html,x')).toBe('data:');
  });

  it('flags javascript: in the chapters JSON and in the MP3\'s CHAP/WXXX frames', async () => {
    expect(id3Urls(evilTag())).toEqual(['javascript:alert(3)']);
    // ours drops it
    expect(id3Urls(renderId3({ chapters: [{ startSeconds: 0, endSeconds: 1, title: 'a', url: 'javascript:alert(4)' }, { startSeconds: 1, endSeconds: 2, title: 'b', url: 'https://ok.example/' }] }))).toEqual(['https://ok.example/']);
    const ok = (body: Buffer): ProbeResult => ({ ok: true, status: 200, headers: {}, body }) as ProbeResult;
    const fetcher: Fetcher = {
      kind: 'http',
      head: async () => ok(Buffer.alloc(0)),
      get: async (url) =>
        url.endsWith('.json')
          ? ok(Buffer.from(JSON.stringify({ version: '1.2.0', chapters: [{ startTime: 0, title: 'Evil', url: 'javascript:alert(5)' }] })))
          : ok(Buffer.concat([evilTag(), Buffer.alloc(100)])),
    };
    const found = (await networkFindings(parseFeed(Buffer.from(feedXml)).feed!, fetcher)).filter((f) => f.rule === 'url.scheme');
    expect(found.map((f) => f.message)).toEqual([
      expect.stringMatching(/^chapter "Evil" in https:\/\/cdn\.example\.org\/c\.json has a javascript: url/),
      expect.stringMatching(/^the MP3's ID3 tag holds a javascript: URL \(javascript:alert\(3\)\)/),
    ]);
  });
});
