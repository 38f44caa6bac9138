/** Small real audio fixtures made with ffmpeg and espeak-ng (nothing generated is committed). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Speech from espeak-ng at `path` (22.05 kHz mono WAV). */
export async function speak(path: string, text: string, voice = 'en'): Promise<void> {
  await run('espeak-ng', ['-v', voice, '-w', path, text]);
}

/** Run ffmpeg with arguments (quiet, overwrite). */
export async function ff(...args: string[]): Promise<void> {
  await run('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args]);
}
