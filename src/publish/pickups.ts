/**
 * An episode whose recording in recordings/ has pickups beside it (`an-102.wav` and
 * `an-102 fix 3.wav`): built with the pickups spliced in (takes/build.ts), and current
 * only while every piece is the one it was built from — a pickup added, changed or
 * removed makes the build outdated, so removing the pickup rebuilds the original.
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

/**
 * Why a build made from pieces (episode.json `pieces`) is not the build of this recording
 * with these pickups, or undefined when it is (same files by name, same sha256 each).
 */
export async function piecesOutdated(report: EpisodeReport, recording: string, pickups: readonly string[]): Promise<string | undefined> {
  const pieces = report.pieces ?? [];
  const builtPickups = pieces.filter((p) => p.role === 'pickup').map((p) => basename(p.file));
  const removed = builtPickups.filter((n) => !pickups.some((p) => basename(p) === n));
  if (removed.length) return `it was built with the pickup${removed.length > 1 ? 's' : ''} ${removed.join(', ')}, no longer in recordings/`;
  const added = pickups.filter((p) => !builtPickups.includes(basename(p)));
  if (added.length) return `the pickup${added.length > 1 ? 's' : ''} ${added.map((p) => basename(p)).join(', ')} ${added.length > 1 ? 'are' : 'is'} new`;
  const takes = pieces.filter((p) => p.role === 'take');
  if (takes.length !== 1 || basename(takes[0].file) !== basename(recording)) return `it was built from other takes (${takes.map((t) => basename(t.file)).join(', ')})`;
  for (const file of [recording, ...pickups]) {
    const piece = pieces.find((p) => basename(p.file) === basename(file));
    let sha256: string;
    try {
      ({ sha256 } = await sha256File(file));
    } catch {
      return `${basename(file)} is missing`;
    }
    if (piece?.sha256 !== sha256) return file === recording ? 'the recording changed' : `the pickup ${basename(file)} changed`;
  }
  return undefined;
}

/** Whether this build holds the recording with this sha256 (as the recording mastered, or as one of its pieces). */
export function builtFrom(report: EpisodeReport, sha256: string): boolean {
  return report.source.sha256 === sha256 || (report.pieces ?? []).some((p) => p.sha256 === sha256);
}

/** The episode of a recording, with its pickups (if any) spliced in. */
export async function buildWithPickups(opts: {
  recording: string;
  pickups: readonly string[];
  issue: Issue;
  outDir: string;
  config: LoadedConfig;
  warnings?: string[];
  onEvent?: StageListener;
  signal?: AbortSignal;
}): Promise<EpisodeReport> {
  const { recording, pickups, issue, outDir, config, warnings, onEvent, signal } = opts;
  if (pickups.length === 0) return buildEpisode({ recording, issue, outDir, config, warnings, onEvent, signal });
  const takes = [namedPiece(recording, issue.number), ...pickups.map((p) => namedPiece(p, issue.number))];
  return (await buildFromTakes({ takes, issue, outDir, config, warnings, onEvent, signal })).report;
}
