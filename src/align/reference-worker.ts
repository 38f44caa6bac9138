/** Worker thread of buildReferenceOffThread: builds the reference, sends it back (features transferred). */
import { parentPort, workerData } from 'node:worker_threads';
import { buildReference } from '../speech/reference.js';
import type { ReferenceJob, ReferenceMessage } from './reference-thread.js';

const job = workerData as ReferenceJob;
const abort = new AbortController();
parentPort?.on('message', (m) => {
  if (m === 'abort') abort.abort();
});
const send = (m: ReferenceMessage, transfer: ArrayBuffer[] = []) => parentPort?.postMessage(m, transfer);
try {
  const reference = await buildReference(
    job.texts.map((text) => ({ text })),
    { ...job.opts, signal: abort.signal, onProgress: (progress) => send({ progress }) },
  );
  const { mel, blockDb } = reference.mel;
  send({ reference }, [mel.buffer as ArrayBuffer, blockDb.buffer as ArrayBuffer]);
} catch (e) {
  send({ error: (e as Error).message });
}
parentPort?.close();
