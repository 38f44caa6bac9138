/** Which files in recordings/ and newsletters/ letterpod considers. */
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';

export const AUDIO_EXTENSIONS = new Set(['.wav', '.flac', '.mp3', '.m4a', '.aac', '.ogg', '.oga', '.opus', '.aif', '.aiff', '.wma', '.webm']);
export const ISSUE_EXTENSIONS = new Set(['.md', '.markdown', '.txt']);
/** Partial downloads and editors' temp files: never processed. */
const INCOMPLETE = /\.(part|partial|tmp|temp|crdownload|download|swp)$/i;

export function isCandidateRecording(name: string): boolean {
  if (name.startsWith('.') || INCOMPLETE.test(name) || name.endsWith('.letterpod-error.txt')) return false;
  return AUDIO_EXTENSIONS.has(extname(name).toLowerCase());
}

async function listDir(dir: string, keep: (name: string) => boolean): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names.filter(keep).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).map((n) => join(dir, n));
}

export function listRecordings(dir: string): Promise<string[]> {
  return listDir(dir, isCandidateRecording);
}

export function listIssueFiles(dir: string): Promise<string[]> {
  return listDir(dir, (n) => !n.startsWith('.') && ISSUE_EXTENSIONS.has(extname(n).toLowerCase()));
}
