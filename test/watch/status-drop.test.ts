/** `letterpod status`'s drop-folder section: the watcher's journal read against the store. */
import { describe, expect, it } from 'vitest';
import { dropStatus, formatDrop } from '../../src/cli/status.js';
import type { StatusReport } from '../../src/publish/status.js';
import type { JournalEntry, JournalView } from '../../src/watch/journal.js';

function entry(name: string, state: JournalEntry['state'], more: Partial<JournalEntry> = {}): JournalEntry {
  const t = '2026-11-26T12:00:00.000Z';
  // only what the drop-folder status reads: not every field its state has
  return { name, path: `/p/recordings/${name}`, state, arrivedAt: t, arrivalMs: 0, size: 1, mtime: t, mtimeMs: 0, ctimeMs: 0, ino: 1, sha256: 'x', attempts: 1, takes: 1, firstSeenAt: t, updatedAt: t, ...more } as JournalEntry;
}

const report = {
  issues: [
    { number: 101, state: 'published', published: { pubDate: '2026-11-20' } },
    { number: 102, state: 'built, not published' },
  ],
} as unknown as StatusReport;

describe('drop folder status', () => {
  const journal = (watcher?: JournalView['watcher']): JournalView => ({
    version: 1,
    updatedAt: '2026-11-26T12:00:00.000Z',
    file: '/p/.letterpod/state.json',
    watcher,
    recordings: [
      entry('an-101.wav', 'built', { issue: 101 }),
      entry('an-102.wav', 'built', { issue: 102, note: 'waits for letterpod publish' }),
      entry('an-103.wav', 'processing', { issue: 103 }),
      entry('mystery.wav', 'failed', {
        error: { phase: 'match', problem: 'no issue in newsletters/ matches it', fix: 'Name it an-<number>.wav', message: 'x' },
        sidecar: '/p/recordings/mystery.wav.letterpod-error.txt',
      }),
    ],
  });

  it('counts a watcher build the producer published since as published, and a build not yet published as built', () => {
    const d = dropStatus(journal(), report);
    expect(d.map((x) => [x.name, x.state])).toEqual([
      ['an-101.wav', 'published'],
      ['an-102.wav', 'built'],
      ['an-103.wav', 'interrupted'],
      ['mystery.wav', 'failed'],
    ]);
    expect(d[1]!.reason).toBe('waits for letterpod publish');
    expect(d[3]!.reason).toBe('no issue in newsletters/ matches it — Name it an-<number>.wav');
    expect(d[3]!.sidecar).toMatch(/mystery\.wav\.letterpod-error\.txt$/);
  });

  it('keeps processing while a watcher runs, and prints one row per recording', () => {
    const running = journal({ pid: 4242, host: 'h', startedAt: '2026-11-26T11:00:00.000Z' });
    const d = dropStatus(running, report);
    expect(d[2]!.state).toBe('processing');
    const lines = formatDrop(d, running.watcher);
    expect(lines[1]).toContain('running as pid 4242');
    expect(lines.filter((l) => l.startsWith('  '))).toHaveLength(4);
    expect(lines.find((l) => l.includes('mystery.wav'))).toMatch(/\?\s+failed\s+no issue/);
  });
});
