/**
 * An episode made of several recordings in recordings/: takes of one issue (take-marked
 * files, or a take folder `recordings/an-102/`) joined, and pickups beside them
 * (`an-102 fix 3.wav`) spliced in (takes/build.ts). Such a build is current only while
 * every piece is the one it was built from — a take or pickup added, changed or removed
 * makes it outdated, so removing a pickup rebuilds the original.
 */
import { basename } from 'node:path';
import type { LoadedConfig } from '../config/config.js';
import { buildEpisode } from '../episode/build.js';
import type { EpisodeReport } from '../episode/report.js';
import { sha256File } from '../hash.js';
import { namedPiece } from '../intake/takes.js';
import type { Issue } from '../newsletter/types.js';
import type { StageListener } from '../stages/stage.js';
import { buildFromTakes } from '../takes/build.js';

function list(names: readonly string[]): string {
  return names.join(', ');
}

/**
 * Why a build made from pieces (episode.json `pieces`) is not the build of these takes
 * with these pickups, or undefined when it is (same files by name, same sha256 each). A
 * take that listening used as a pickup is a piece like any other.
 */
export async function piecesOutdated(report: EpisodeReport, takes: readonly string[], pickups: readonly string[]): Promise<string | undefined> {
  const pieces = report.pieces ?? [];
  const now = [...takes, ...pickups];
  const removed = pieces.filter((p) => !now.some((f) => basename(f) === basename(p.file)));
  if (removed.length) {
    const role = removed.every((p) => p.role === 'pickup') ? 'pickup' : removed.every((p) => p.role === 'take') ? 'take' : 'piece';
    return `it was built with the ${role}${removed.length > 1 ? 's' : ''} ${list(removed.map((p) => basename(p.file)))}, no longer in recordings/`;
  }
  const added = now.filter((f) => !pieces.some((p) => basename(p.file) === basename(f)));
  if (added.length) {
    const role = added.every((f) => pickups.includes(f)) ? 'pickup' : added.every((f) => takes.includes(f)) ? 'take' : 'piece';
    return `the ${role}${added.length > 1 ? 's' : ''} ${list(added.map((f) => basename(f)))} ${added.length > 1 ? 'are' : 'is'} new`;
  }
  for (const file of now) {
    const piece = pieces.find((p) => basename(p.file) === basename(file));
    let sha256: string;
    try {
      ({ sha256 } = await sha256File(file));
    } catch {
      return `${basename(file)} is missing`;
    }
    if (piece?.sha256 !== sha256) {
      if (takes.length === 1 && file === takes[0]) return 'the recording changed';
      return `the ${pickups.includes(file) ? 'pickup' : 'take'} ${basename(file)} changed`;
    }
  }
  return undefined;
}

/** Whether this build holds the recording with this sha256 (as the recording mastered, or as one of its pieces). */
export function builtFrom(report: EpisodeReport, sha256: string): boolean {
  return report.source.sha256 === sha256 || (report.pieces ?? []).some((p) => p.sha256 === sha256);
}

/**
 * The episode of its takes (one recording, or several joined in the order found by
 * listening) with its pickups (if any) spliced in: the same path as `letterpod build`.
 */
export async function buildFromPieces(opts: {
  takes: readonly string[];
  pickups: readonly string[];
  issue: Issue;
  outDir: string;
  config: LoadedConfig;
  warnings?: string[];
  onEvent?: StageListener;
  signal?: AbortSignal;
}): Promise<EpisodeReport> {
  const { takes, pickups, issue, outDir, config, warnings, onEvent, signal } = opts;
  if (takes.length === 1 && pickups.length === 0) return buildEpisode({ recording: takes[0]!, issue, outDir, config, warnings, onEvent, signal });
  const pieces = [...takes.map((t) => namedPiece(t, issue.number)), ...pickups.map((p) => namedPiece(p, issue.number))];
  return (await buildFromTakes({ takes: pieces, issue, outDir, config, warnings, onEvent, signal })).report;
}
