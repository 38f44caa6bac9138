import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { projectRoot } from '../helpers/shared.js';
import { buildReference } from '../../src/speech/reference.js';

/**
 * The worker path runs only from compiled code (its script must sit beside the module),
 * so this imports dist/ (compiled by the suite's global setup) and compares it with the
 * reference built inline.
 */
const offThread = async () =>
  (await import(join(projectRoot, 'dist', 'align', 'reference-thread.js'))) as typeof import('../../src/align/reference-thread.js');

const sections = [
  { text: 'The first section. It has two sentences.' },
  { text: 'A second one, short.' },
];
const opts = { voice: 'en-us', wordsPerMinute: 170 };

describe('buildReferenceOffThread', () => {
  it('builds the same reference as on the main thread, features included', async () => {
    const { referenceInWorker } = await offThread();
    const progress: number[] = [];
    const script = join(projectRoot, 'dist', 'align', 'reference-worker.js');
    const [a, b0] = await Promise.all([buildReference(sections, opts), referenceInWorker(script, sections, { ...opts, onProgress: (f) => progress.push(f) })]);
    // from the worker itself, not the inline fallback
    expect(b0).toBeDefined();
    const b = b0!;
    expect(b.mel.frames).toBe(a.mel.frames);
    expect(Buffer.from(b.mel.mel.buffer, b.mel.mel.byteOffset, b.mel.mel.byteLength).equals(Buffer.from(a.mel.mel.buffer, a.mel.mel.byteOffset, a.mel.mel.byteLength))).toBe(true);
    expect(Array.from(b.mel.blockDb)).toEqual(Array.from(a.mel.blockDb));
    const { mel: _a, ...restA } = a;
    const { mel: _b, ...restB } = b;
    expect(restB).toEqual(restA);
    expect(progress.at(-1)).toBe(1);
  });

  it('fails as the inline build does (espeak-ng missing: the same error and advice)', async () => {
    const { buildReferenceOffThread } = await offThread();
    const saved = process.env.ESPEAK_PATH;
    process.env.ESPEAK_PATH = '/nonexistent/espeak-ng';
    try {
      const inline = await buildReference(sections, opts).catch((e: Error) => e);
      const worker = await buildReferenceOffThread(sections, opts).catch((e: Error) => e);
      expect(inline).toBeInstanceOf(Error);
      expect(worker.constructor.name).toBe(inline.constructor.name);
      expect((worker as Error).message).toBe((inline as Error).message);
    } finally {
      if (saved === undefined) delete process.env.ESPEAK_PATH;
      else process.env.ESPEAK_PATH = saved;
    }
  });

  it('stops when aborted', async () => {
    const { buildReferenceOffThread } = await offThread();
    const ac = new AbortController();
    const p = buildReferenceOffThread(sections, { ...opts, signal: ac.signal });
    ac.abort(new Error('stop here'));
    await expect(p).rejects.toThrow('stop here');
  });
});
