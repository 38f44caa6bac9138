/**
 * Recordings that make one episode together: a folder per issue (`recordings/an-102/`), or
 * several files whose names carry the same issue number and a take mark (`an-102-part1.wav`,
 * `AN102 b.flac`, `an-102_03.m4a`). A file whose mark says pickup (`an-102-pickup.wav`,
 * `an-102 fix 3.wav`) re-reads part of an episode that already exists.
 *
 * Only names are read here. The order of the takes is never taken from the names: it comes
 * from listening (takes/order.ts), so `an-102-b.wav` may well come before `an-102-a.wav`.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { LetterpodError } from '../errors.js';
import { issueNumberFromName } from '../newsletter/file-name.js';
import { isCandidateRecording } from './files.js';

export type PieceRole = 'take' | 'pickup';

export interface NamedPiece {
  file: string;
  /** The issue number the name (or the folder's name) carries, if any. */
  issue?: number;
  role: PieceRole;
  /** What follows the issue number in the name ("part1", "b", "pickup", "fix 3"); "" for none. */
  mark: string;
}

/** Words that mark a re-reading of part of an episode. */
const PICKUP = /(?:^|[^\p{L}])(pick[\s._-]?ups?|pu|fix(?:es)?|patch|redo|correction)(?:$|[^\p{L}])/iu;
/** The issue number as file names carry it (see newsletter/file-name.ts). */
const ISSUE_PREFIX = /^(?:.*?[^\p{L}])?(?:an|alignment[\s._-]*newsletter)[\s._#-]*(?:no\.?[\s._-]*)?0*\d{1,3}(?!\d)/iu;

/** The take or pickup mark of a recording's name: what follows its issue number. */
export function takeMark(name: string): { role: PieceRole; mark: string } {
  const base = basename(name);
  const stem = base.slice(0, base.length - extname(base).length) || base;
  const m = ISSUE_PREFIX.exec(stem);
  const rest = (m ? stem.slice(m[0].length) : stem).replace(/^[\s._#-]+|[\s._-]+$/g, '');
  return { role: PICKUP.test(rest) ? 'pickup' : 'take', mark: rest };
}

export function namedPiece(file: string, folderIssue?: number): NamedPiece {
  const { role, mark } = takeMark(file);
  const issue = issueNumberFromName(basename(file)) ?? folderIssue;
  return { file, role, mark, ...(issue !== undefined ? { issue } : {}) };
}

/** The recordings of a take folder (`recordings/an-102/`), with the issue its name carries. */
export async function listTakeFolder(dir: string): Promise<NamedPiece[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && isCandidateRecording(e.name)).map((e) => e.name);
  } catch (e) {
    throw new LetterpodError({ file: dir, problem: `cannot list the folder (${(e as NodeJS.ErrnoException).code ?? String(e)})`, fix: 'Check that the take folder exists and is readable' });
  }
  const folderIssue = issueNumberFromName(basename(dir));
  // sorted only so that messages and reports are stable: the order is found by listening
  return names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).map((n) => namedPiece(join(dir, n), folderIssue));
}

/**
 * The pieces named on a command line: files and take folders. Every piece must be of the
 * same issue when the names say one; a name without a number takes the others'.
 */
export async function collectPieces(paths: readonly string[]): Promise<NamedPiece[]> {
  const pieces: NamedPiece[] = [];
  for (const p of paths) {
    const s = await stat(p).catch(() => undefined);
    if (!s) throw new LetterpodError({ file: p, problem: 'no such file or folder', fix: 'Check the path' });
    if (s.isDirectory()) pieces.push(...(await listTakeFolder(p)));
    else pieces.push(namedPiece(p));
  }
  if (pieces.length === 0) {
    throw new LetterpodError({ file: paths.join(', '), problem: 'no recordings there', fix: 'Put the takes (WAV, FLAC, MP3, M4A, …) in the folder' });
  }
  const numbers = [...new Set(pieces.flatMap((p) => (p.issue !== undefined ? [p.issue] : [])))];
  if (numbers.length > 1) {
    const byIssue = numbers.map((n) => `#${n}: ${pieces.filter((p) => p.issue === n).map((p) => basename(p.file)).join(', ')}`);
    throw new LetterpodError({
      file: pieces.map((p) => basename(p.file)).join(', '),
      problem: `these takes are of different issues (${byIssue.join('; ')})`,
      fix: 'Give one issue\'s takes at a time (or rename the take that carries the wrong number)',
    });
  }
  return pieces.map((p) => (p.issue === undefined && numbers[0] !== undefined ? { ...p, issue: numbers[0] } : p));
}

/**
 * The files of recordings/ with the pickups set apart: each pickup under the issue number
 * its name carries (a pickup is applied to that issue's episode); a pickup whose name
 * carries no number cannot be placed and is `unplaced`.
 */
export function splitPickups(files: readonly string[]): { recordings: string[]; pickups: Map<number, string[]>; unplaced: string[] } {
  const recordings: string[] = [];
  const pickups = new Map<number, string[]>();
  const unplaced: string[] = [];
  for (const file of files) {
    if (takeMark(file).role !== 'pickup') {
      recordings.push(file);
      continue;
    }
    const issue = issueNumberFromName(basename(file));
    if (issue === undefined) unplaced.push(file);
    else pickups.set(issue, [...(pickups.get(issue) ?? []), file]);
  }
  return { recordings, pickups, unplaced };
}

/**
 * A pickup in recordings/ whose issue has no recording there: it re-reads part of an
 * episode, so it is refused with what to do instead — never built (or published) as if it
 * were the whole reading.
 */
export function refusePickup(recording: string): void {
  const { role, mark } = takeMark(recording);
  if (role !== 'pickup') return;
  const issue = issueNumberFromName(basename(recording));
  const main = issue !== undefined ? `<the recording of #${issue}>` : '<the main recording>';
  throw new LetterpodError({
    file: recording,
    problem: `is a pickup (its name says "${mark}"): it is not a reading of the whole issue, and recordings/ holds no recording of ${issue !== undefined ? `#${issue}` : 'its issue (its name carries no issue number)'} to splice it into`,
    fix: `Put the episode's recording beside it in recordings/${issue === undefined ? ' and name the pickup after the issue (an-102-pickup.wav)' : ''}, or build the episode with it — letterpod build ${main} "${recording}" — and check the report; move the pickup out of recordings/ to publish the episode as it is`,
  });
}

/**
 * What recordings/ holds for one episode: its takes (one recording, several take-marked
 * files of one issue, or a take folder with any take-marked files beside it) and the
 * pickups named for its issue.
 */
export interface EpisodeSource {
  /** The issue its names carry; undefined for a lone recording whose name carries none (matched by tags or listening). */
  issue?: number;
  /** How it is given: one file, several files of one issue, or a take folder (`recordings/an-102/`). */
  kind: 'file' | 'takes' | 'folder';
  /** What names it in messages: the file, the first take, or the folder. */
  path: string;
  /** The take folder, when there is one. */
  folder?: string;
  /** The files that read the issue (in name order; the order is found by listening). */
  takes: string[];
  /** The pickups of this issue (beside it in recordings/, or in its take folder). */
  pickups: string[];
}

export interface RecordingsListing {
  sources: EpisodeSource[];
  /** Pickups whose issue has no take here (refused: refusePickup), and pickups whose name carries no number. */
  lonePickups: { file: string; issue?: number }[];
  /** Take folders that cannot be used (no issue number in their name or files, several issues). */
  folderProblems: { file: string; problem: string; fix: string }[];
}

/** Sub-folders of recordings/ that are take folders (not hidden). */
async function listFolders(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
      .map((n) => join(dir, n));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/**
 * The episodes recordings/ holds, from names only: every recording whose name carries an
 * issue number goes with the other takes of that issue (take-marked files, the files of a
 * take folder named for it) and its pickups; a recording without a number stands alone.
 * `files` are the recordings at the top of recordings/ (intake/files.ts listRecordings).
 */
export async function listEpisodeSources(dir: string, files: readonly string[]): Promise<RecordingsListing> {
  const split = splitPickups(files);
  const byIssue = new Map<number, EpisodeSource>();
  const sources: EpisodeSource[] = [];
  const folderProblems: RecordingsListing['folderProblems'] = [];
  const group = (issue: number, path: string): EpisodeSource => {
    let s = byIssue.get(issue);
    if (!s) {
      s = { issue, kind: 'file', path, takes: [], pickups: [] };
      byIssue.set(issue, s);
      sources.push(s);
    }
    return s;
  };
  for (const folder of await listFolders(dir)) {
    const pieces = await listTakeFolder(folder);
    if (pieces.length === 0) continue;
    const numbers = [...new Set(pieces.flatMap((p) => (p.issue !== undefined ? [p.issue] : [])))];
    if (numbers.length !== 1) {
      folderProblems.push({
        file: folder,
        problem: numbers.length === 0
          ? 'is a take folder whose name carries no issue number (nor do its files)'
          : `is a take folder with takes of different issues (${numbers.map((n) => `#${n}: ${pieces.filter((p) => p.issue === n).map((p) => basename(p.file)).join(', ')}`).join('; ')})`,
        fix: numbers.length === 0 ? `Name the folder after its issue (${join(dir, 'an-102')}/)` : 'Keep one issue\'s takes in a take folder named after it (move the others out)',
      });
      continue;
    }
    const s = group(numbers[0]!, folder);
    if (s.folder) {
      folderProblems.push({ file: folder, problem: `is a second take folder of #${numbers[0]} (the other is ${basename(s.folder)})`, fix: 'Keep one take folder per issue: move the takes into one of them' });
      continue;
    }
    s.folder = folder;
    s.path = folder;
    for (const p of pieces) (p.role === 'pickup' ? s.pickups : s.takes).push(p.file);
  }
  for (const file of split.recordings) {
    const issue = issueNumberFromName(basename(file));
    if (issue === undefined) sources.push({ kind: 'file', path: file, takes: [file], pickups: [] });
    else group(issue, file).takes.push(file);
  }
  const lonePickups: RecordingsListing['lonePickups'] = split.unplaced.map((file) => ({ file }));
  for (const [issue, pickups] of split.pickups) {
    const s = byIssue.get(issue);
    if (s && s.takes.length) s.pickups.push(...pickups);
    else lonePickups.push(...pickups.map((file) => ({ file, issue })));
  }
  const kept: EpisodeSource[] = [];
  for (const s of sources) {
    if (s.takes.length === 0) {
      // a folder of pickups only: nothing to splice them into here
      lonePickups.push(...s.pickups.map((file) => ({ file, ...(s.issue !== undefined ? { issue: s.issue } : {}) })));
      continue;
    }
    s.kind = s.folder ? 'folder' : s.takes.length > 1 ? 'takes' : 'file';
    // the recording named without a take mark (the main one, if any) first: it names the set
    s.takes = [...s.takes.filter((t) => takeMark(t).mark === ''), ...s.takes.filter((t) => takeMark(t).mark !== '')];
    if (!s.folder) s.path = s.takes[0]!;
    kept.push(s);
  }
  return { sources: kept, lonePickups, folderProblems };
}

/** The episode of recordings/ that `file` (a take or a pickup) belongs to, if any. */
export function sourceOf(listing: RecordingsListing, file: string): EpisodeSource | undefined {
  return listing.sources.find((s) => s.path === file || s.takes.includes(file) || s.pickups.includes(file));
}

/** A take folder's name and the files of a source, for people: "an-102/ (a.wav, b.wav)", "an-102-a.wav, an-102-b.wav". */
export function describeSource(s: EpisodeSource): string {
  if (s.folder) return `${basename(s.folder)}/`;
  return s.takes.map((t) => basename(t)).join(', ');
}

/** The recordings in the take folders of recordings/ (one level down; hidden folders left out). */
export async function listTakeFolderRecordings(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const folder of await listFolders(dir)) out.push(...(await listTakeFolder(folder)).map((p) => p.file));
  return out;
}
