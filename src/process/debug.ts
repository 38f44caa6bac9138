/**
 * The debug log: with `LETTERPOD_DEBUG=1` in the environment (or `--debug`, which sets it
 * so worker processes inherit it) every process letterpod starts and every stage it runs
 * is logged on stderr, one line each, `letterpod debug: …`.
 */

export function debugEnabled(): boolean {
  const v = process.env.LETTERPOD_DEBUG;
  return v !== undefined && v !== '' && v !== '0' && v !== 'false';
}

export function debugLog(message: string): void {
  if (debugEnabled()) process.stderr.write(`letterpod debug: ${message}\n`);
}

/** A POSIX shell word: how a logged command can be pasted into a shell as it ran. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(tool: string, args: readonly string[]): string {
  return [tool, ...args].map(shellWord).join(' ');
}
