/**
 * Local re-anchoring is independent per section, so it runs on worker threads (one per
 * core) over the features in shared memory; results are the same as on one thread.
 * Where the compiled worker script is not beside this module (running from TypeScript
 * sources), the searches run inline.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { candidates, slide } from './anchor.js';
import type { FeatureVectors } from '../signal/mfcc.js';

export interface AnchorTask {
  /** Reference rows [start, end) with the section's first speech at `mark`. */
  start: number;
  mark: number;
  end: number;
  /** Recording frames searched. */
  from: number;
  to: number;
  sectionEnd: number;
  separation: number;
  /** Candidates returned (best first; default 4). */
  max?: number;
  /** Skip the re-read check (the caller looks for earlier attempts itself). */
  noReread?: boolean;
}

export interface AnchorResult {
  j0: number;
  span: number;
  background: number;
  best: number;
  cells: number;
  found: { frame: number; goodness: number }[];
}

export interface AnchorData {
  ref: FeatureVectors;
  rec: FeatureVectors;
  recPause: Uint8Array;
  refPause: Uint8Array;
}

export function runAnchor(d: AnchorData, t: AnchorTask): AnchorResult {
  const r = slide(d.ref, t.start, t.mark, t.end, d.rec, t.from, t.to, { recPause: d.recPause, refPause: d.refPause, sectionEnd: t.sectionEnd });
  return {
    j0: r.j0,
    span: r.byMark.length,
    background: r.background,
    best: r.best,
    cells: r.cells,
    found: candidates(t.noReread ? { ...r, rec: undefined } : r, t.separation, t.max ?? 4).map((c) => ({ frame: c.frame, goodness: c.goodness })),
  };
}

function shared<T extends Float32Array | Uint8Array>(a: T): T {
  const copy = new (a.constructor as { new (b: SharedArrayBuffer): T })(new SharedArrayBuffer(a.byteLength));
  copy.set(a as never);
  return copy;
}

function sharedVectors(v: FeatureVectors): FeatureVectors {
  return { frames: v.frames, dims: v.dims, hopSeconds: v.hopSeconds, data: shared(v.data) };
}

type Reply = { id: number; result?: AnchorResult; error?: string };

export class AnchorPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { id: number; task: AnchorTask }[] = [];
  private readonly waiting = new Map<number, { resolve: (r: AnchorResult) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  private constructor(private readonly data: AnchorData, threads: number) {
    const script = fileURLToPath(new URL('./anchor-worker.js', import.meta.url));
    if (threads < 2 || !existsSync(script)) return;
    const workerData: AnchorData = {
      ref: sharedVectors(data.ref),
      rec: sharedVectors(data.rec),
      recPause: shared(data.recPause),
      refPause: shared(data.refPause),
    };
    for (let i = 0; i < threads; i++) {
      const w = new Worker(script, { workerData });
      w.unref(); // never keeps the process alive, whatever happens to the caller
      w.on('message', (m: Reply) => this.settle(w, m));
      w.on('error', (e) => this.failAll(e));
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  static create(data: AnchorData, threads = Math.min(4, availableParallelism())): AnchorPool {
    return new AnchorPool(data, threads);
  }

  run(task: AnchorTask): Promise<AnchorResult> {
    if (this.workers.length === 0) return Promise.resolve(runAnchor(this.data, task));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.queue.push({ id, task });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop() as Worker;
      w.postMessage(this.queue.shift());
    }
  }

  private settle(w: Worker, m: Reply): void {
    const p = this.waiting.get(m.id);
    this.waiting.delete(m.id);
    this.idle.push(w);
    if (p) {
      if (m.result) p.resolve(m.result);
      else p.reject(new Error(m.error ?? 'anchor worker failed'));
    }
    this.pump();
  }

  private failAll(e: Error): void {
    for (const p of this.waiting.values()) p.reject(e);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
