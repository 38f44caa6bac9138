/**
 * The chokidar wiring of `letterpod watch`: which files of recordings/ and newsletters/ it
 * reports, and as which events. The folder and its take folders (depth 1) are watched;
 * directories are never reported. What the events mean is the watcher's business (watcher.ts).
 */
import { watch, type FSWatcher } from 'chokidar';
import { basename, join, relative, resolve, sep } from 'node:path';
import { ISSUE_EXTENSIONS, isCandidateRecording, isIgnoredFile } from '../intake/files.js';

export interface RecordingEvents {
  /**
   * A raw event for `name` (relative to the folder: `an-102.wav`, `an-102/a.wav`) in the
   * kernel's order (the arrival order of a burst): any file, candidate recording or not, as
   * soon as it is created or written.
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

/**
 * Watch `dir` for candidate recordings (intake/files.ts: partial downloads, temp and hidden
 * files and our sidecars never are): those at its top and those in its take folders (one
 * level down, `recordings/an-102/a.wav`; hidden folders are left out).
 */
export function watchRecordings(dir: string, on: RecordingEvents): FSWatcher {
  const inside = (path: string) => relative(dir, resolve(path)).split(sep);
  const watcher = watch(dir, {
    depth: 1,
    ignoreInitial: false,
    // the folder itself, its take folders, and candidate recordings in them; everything else is ignored
    ignored: (path, stats) => {
      const parts = inside(path);
      if (parts.length === 1 && parts[0] === '') return false;
      if (parts[0] === '..' || parts.length > 2) return true;
      const name = parts[parts.length - 1]!;
      if (isIgnoredFile(name)) return true;
      if (stats?.isDirectory()) return parts.length > 1;
      if (stats && !stats.isFile()) return true;
      // without stats (asked before the stat): a folder at the top may be a take folder
      if (!stats && parts.length === 1 && !isCandidateRecording(name)) return false;
      return !isCandidateRecording(name);
    },
  });
  watcher.on('raw', (_event, evPath, details) => {
    if (typeof evPath !== 'string' || !evPath) return;
    // the event's path is relative to the folder (or file) that fs.watch watches
    const watched = (details as { watchedPath?: string } | undefined)?.watchedPath;
    const full = !watched ? join(dir, evPath) : basename(watched) === evPath ? watched : join(watched, evPath);
    const parts = inside(full);
    if (parts[0] === '..' || parts.length > 2 || parts[0] === '') return;
    on.raw(parts.join('/'));
  });
  // a path chokidar asked about before its stat may still be reported: only recordings go on
  watcher.on('add', (path) => isCandidateRecording(basename(path)) && on.add(path));
  watcher.on('change', (path) => isCandidateRecording(basename(path)) && on.change(path));
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
