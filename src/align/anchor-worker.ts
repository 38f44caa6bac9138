/** Worker thread of AnchorPool: runs local searches over the shared features. */
import { parentPort, workerData } from 'node:worker_threads';
import { runAnchor, type AnchorData, type AnchorTask } from './anchor-pool.js';

const data = workerData as AnchorData;
parentPort?.on('message', (m: { id: number; task: AnchorTask }) => {
  try {
    parentPort?.postMessage({ id: m.id, result: runAnchor(data, m.task) });
  } catch (e) {
    parentPort?.postMessage({ id: m.id, error: (e as Error).message });
  }
});
