/** How commands talk: data on stdout (JSON with --json); progress (progress.ts) and problems on stderr. */

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function info(message: string): void {
  process.stderr.write(message + '\n');
}
