/**
 * The chokidar wiring of `letterpod watch`: which files of recordings/ and newsletters/ it
 * reports, and as which events. Only the folder itself (depth 0) is watched; directories
 * are never reported. What the events mean is the watcher's business (watcher.ts).
 */
import { watch, type FSWatcher } from 'chokidar';
import { basename, resolve } from 'node:path';
import { ISSUE_EXTENSIONS, isCandidateRecording } from '../intake/files.js';

export interface RecordingEvents {
  /**
   * A raw event for `name` in the kernel's order (the arrival order of a burst): any file,
   * candidate recording or not, as soon as it is created or written.
   */
  raw(name: string): void;
  /** A candidate recording appeared (the initial scan reports every one found) or changed. */
  add(path: string): void;
  change(path: string): void;
  unlink(path: string): void;
  /** The initial scan is done. */
  ready(): void;
  error(error: Error): void;
}

/** Watch `dir` for candidate recordings (intake/files.ts: partial downloads, temp and hidden files and our sidecars never are). */
export function watchRecordings(dir: string, on: RecordingEvents): FSWatcher {
  const watcher = watch(dir, {
    depth: 0,
    ignoreInitial: false,
    // the folder itself, and candidate recordings in it; directories and everything else are ignored
    ignored: (path, stats) => {
      if (resolve(path) === dir) return false;
      if (stats && !stats.isFile()) return true;
      return !isCandidateRecording(basename(path));
    },
  });
  watcher.on('raw', (_event, evPath) => {
    if (typeof evPath !== 'string' || !evPath) return;
    on.raw(basename(evPath));
  });
  watcher.on('add', (path) => on.add(path));
  watcher.on('change', (path) => on.change(path));
  watcher.on('unlink', (path) => on.unlink(path));
  watcher.on('error', (error) => on.error(error as Error));
  watcher.once('ready', () => on.ready());
  return watcher;
}

/** Watch `dir` for issue texts appearing, changing or going (hidden files and other extensions left out); no initial scan. */
export function watchIssues(dir: string, changed: () => void, onError: (error: Error) => void): FSWatcher {
  const watcher = watch(dir, {
    depth: 0,
    ignoreInitial: true,
    ignored: (path, stats) => {
      if (resolve(path) === resolve(dir)) return false;
      if (stats && !stats.isFile()) return true;
      const name = basename(path);
      return name.startsWith('.') || !ISSUE_EXTENSIONS.has(name.slice(name.lastIndexOf('.')).toLowerCase());
    },
  });
  watcher.on('add', changed).on('change', changed).on('unlink', changed);
  watcher.on('error', (error) => onError(error as Error));
  return watcher;
}
