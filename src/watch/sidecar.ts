/**
 * `<name>.letterpod-error.txt` beside a recording the watcher could not use: one
 * paragraph saying what went wrong, with which file, and what to do. It is never taken
 * for a recording (intake/files.ts), is rewritten when the same take fails again, and is
 * removed when the recording later goes through (or is removed from the folder). The
 * recording itself is never touched.
 */
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { writeFileAtomic, type FailurePhase } from './journal.js';

export const SIDECAR_SUFFIX = '.letterpod-error.txt';

export function sidecarPath(recording: string): string {
  return recording + SIDECAR_SUFFIX;
}

export interface SidecarFailure {
  phase: FailurePhase;
  problem: string;
  fix: string;
  /** The file the problem is about, when it is not the recording (an issue text, a build file, the store). */
  file?: string;
}

const WHAT: Record<FailurePhase, string> = {
  probe: 'could not read',
  match: 'could not tell which issue is read in',
  build: 'could not build an episode from',
  publish: 'built an episode from, but could not publish,',
  internal: 'could not process',
};

function sentence(text: string): string {
  const t = text.trim().replace(/\s*\n\s*/g, ' ');
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** The sidecar's paragraph. */
export function sidecarText(recording: string, failure: SidecarFailure, at: Date, autoPublish: boolean): string {
  const name = basename(recording);
  const about = failure.file && failure.file !== recording ? ` (the problem is in ${failure.file})` : '';
  const retry =
    failure.phase === 'probe'
      ? `Then drop the corrected take into the folder under the same name, ${name}: letterpod watch picks it up.`
      : failure.phase === 'publish'
        ? 'letterpod watch tries again when it is restarted (`letterpod publish` publishes the build too).'
        : `letterpod watch tries again when a new take of ${name} is dropped in, when newsletters/ changes, and when it is restarted.`;
  const then = autoPublish ? 'publishes the episode' : 'keeps the build for `letterpod publish`';
  return (
    `letterpod ${WHAT[failure.phase]} the recording ${name} (${recording}) at ${at.toISOString()}: ` +
    `${sentence(failure.problem).replace(/\.$/, '')}${about}. ` +
    `What to do: ${sentence(failure.fix)} ` +
    `${retry} Once it goes through, it ${then} and removes this note. ` +
    `The recording itself was not changed, moved or deleted.\n`
  );
}

export async function writeSidecar(recording: string, failure: SidecarFailure, at: Date, autoPublish: boolean): Promise<string> {
  const path = sidecarPath(recording);
  await writeFileAtomic(path, sidecarText(recording, failure, at, autoPublish));
  return path;
}

/** Remove the sidecar of `recording`; whether there was one. */
export async function removeSidecar(recording: string): Promise<boolean> {
  try {
    await rm(sidecarPath(recording));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}
