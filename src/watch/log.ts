/**
 * The watcher's event log: one line per event. For people, on stderr:
 *
 *   2026-11-20T17:00:02.113Z published  an-102.wav: #102 "Title" (guid 5c0…, 4.1 MB)
 *
 * With --json, one JSON object per line on stdout instead:
 *
 *   {"time":"2026-11-20T17:00:02.113Z","event":"published","recording":"an-102.wav",…,"message":"…"}
 */

export type WatchEvent =
  | 'watching'
  | 'resumed'
  | 'seen'
  | 'complete'
  | 'unchanged'
  | 'queued'
  | 'processing'
  | 'stage'
  | 'matched'
  | 'reused'
  | 'coalesced'
  | 'built'
  | 'published'
  | 'failed'
  | 'sidecar-removed'
  | 'interrupted'
  | 'removed'
  | 'retry'
  | 'idle'
  | 'warning'
  | 'held'
  | 'unsupported'
  | 'stopping'
  | 'stopped';

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface WatchLog {
  event(event: WatchEvent, message: string, fields?: LogFields): void;
}

export interface LogOptions {
  json?: boolean;
  /** Where text lines go (default process.stderr). */
  text?: NodeJS.WritableStream;
  /** Where JSON lines go (default process.stdout). */
  jsonOut?: NodeJS.WritableStream;
  now?: () => Date;
}

export function createLog(opts: LogOptions = {}): WatchLog {
  const now = opts.now ?? (() => new Date());
  const text = opts.text ?? process.stderr;
  const jsonOut = opts.jsonOut ?? process.stdout;
  return {
    event(event, message, fields = {}) {
      const time = now().toISOString();
      if (opts.json) {
        const clean: LogFields = {};
        for (const [k, v] of Object.entries(fields)) if (v !== undefined) clean[k] = v;
        jsonOut.write(JSON.stringify({ time, event, ...clean, message }) + '\n');
      } else {
        text.write(`${time} ${event.padEnd(10)} ${message.replace(/\s*\n\s*/g, ' ')}\n`);
      }
    },
  };
}
