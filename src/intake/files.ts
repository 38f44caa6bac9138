/** Which files in recordings/ and newsletters/ letterpod considers. */
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';

export const AUDIO_EXTENSIONS = new Set(['.wav', '.flac', '.mp3', '.m4a', '.aac', '.ogg', '.oga', '.opus', '.aif', '.aiff', '.wma', '.webm']);
/** Video files: their (first) audio stream is the recording (a Zoom or OBS capture). */
export const VIDEO_EXTENSIONS = new Set(['.mp4', '.m4v', '.mkv', '.mov', '.webm']);
export const ISSUE_EXTENSIONS = new Set(['.md', '.markdown', '.txt']);
/** Partial downloads and editors' temp files: never processed. */
const INCOMPLETE = /\.(part|partial|tmp|temp|crdownload|download|swp)$/i;

export function isCandidateRecording(name: string): boolean {
  if (name.startsWith('.') || INCOMPLETE.test(name) || name.endsWith('.letterpod-error.txt')) return false;
  const ext = extname(name).toLowerCase();
  return AUDIO_EXTENSIONS.has(ext) || VIDEO_EXTENSIONS.has(ext);
}

/** Files letterpod never processes on purpose: hidden, partial, its own notes. */
export function isIgnoredFile(name: string): boolean {
  return name.startsWith('.') || INCOMPLETE.test(name) || name.endsWith('.letterpod-error.txt');
}

async function listDir(dir: string, keep: (name: string) => boolean): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.isDirectory()).map((e) => e.name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names.filter(keep).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).map((n) => join(dir, n));
}

export function listRecordings(dir: string): Promise<string[]> {
  return listDir(dir, isCandidateRecording);
}

/** Files in recordings/ that are neither recordings nor ignored (a .docx, a .zip, …): listed, so none is silently skipped. */
export function listUnsupported(dir: string): Promise<string[]> {
  return listDir(dir, (n) => !isIgnoredFile(n) && !isCandidateRecording(n));
}

/** Why a file in recordings/ is not used, for listings. */
export function unsupportedReason(name: string): string {
  const ext = extname(name).toLowerCase();
  return `not a recording letterpod reads (${ext || 'no extension'}): use WAV, FLAC, MP3, M4A, OGG/Opus, AIFF, or a video with sound (MP4, MKV, MOV, WebM); move it out of recordings/`;
}

export function listIssueFiles(dir: string): Promise<string[]> {
  return listDir(dir, (n) => !n.startsWith('.') && ISSUE_EXTENSIONS.has(extname(n).toLowerCase()));
}
