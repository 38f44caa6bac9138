/**
 * The synthetic reference built on a worker thread: espeak-ng's batches, cutting them into
 * sentences and their mel features, all off the main thread, which meanwhile decodes the
 * recording into its own features. On the main thread the two streams took turns, and
 * espeak-ng's next batch waited for the event loop to get round to starting it.
 *
 * The result is the same Reference (the features arrive as transferred buffers, not
 * copies). Where the compiled worker script is not beside this module (running from
 * TypeScript sources) the reference is built inline, and so it is when the worker fails
 * for any reason other than an abort: that reproduces the real error (espeak-ng missing,
 * failing) with its own type and message, at the cost of a second try.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildReference, type Reference, type ReferenceOptions } from '../speech/reference.js';

/** What the worker gets: the options that can cross a thread (no signal, no callback). */
export interface ReferenceJob {
  texts: string[];
  opts: Omit<ReferenceOptions, 'signal' | 'onProgress'>;
}

/** Worker → main thread. */
export type ReferenceMessage = { progress: number } | { reference: Reference } | { error: string };

export async function buildReferenceOffThread(sections: readonly { text: string }[], opts: ReferenceOptions): Promise<Reference> {
  const script = fileURLToPath(new URL('./reference-worker.js', import.meta.url));
  if (!existsSync(script)) return buildReference(sections, opts);
  return (await referenceInWorker(script, sections, opts)) ?? buildReference(sections, opts);
}

/** The reference from the worker `script`; undefined when the worker failed (rejects on an abort). */
export async function referenceInWorker(script: string, sections: readonly { text: string }[], opts: ReferenceOptions): Promise<Reference | undefined> {
  const { signal, onProgress, ...rest } = opts;
  const aborted = () => signal?.reason ?? new Error('aborted');
  if (signal?.aborted) throw aborted();
  const job: ReferenceJob = { texts: sections.map((s) => s.text), opts: rest };
  const worker = new Worker(script, { workerData: job });
  worker.unref(); // never keeps the process alive, whatever happens to the caller
  const onAbort = () => worker.postMessage('abort');
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const reference = await new Promise<Reference | undefined>((resolve, reject) => {
      worker.on('message', (m: ReferenceMessage) => {
        if ('progress' in m) onProgress?.(m.progress);
        else resolve('reference' in m ? m.reference : undefined);
      });
      worker.on('error', () => resolve(undefined));
      worker.on('exit', () => resolve(undefined));
    });
    if (signal?.aborted) throw aborted();
    return reference;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    void worker.terminate();
  }
}
