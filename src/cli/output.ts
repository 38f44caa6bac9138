/** How commands talk: data on stdout (JSON with --json), progress on stderr only on a TTY. */

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** A progress reporter that writes stage names to stderr when it is a terminal, else nothing. */
export function stageReporter(label: string, enabled = Boolean(process.stderr.isTTY)): (stage: string) => void {
  if (!enabled) return () => {};
  return (stage) => process.stderr.write(`${label}: ${stage}…\n`);
}

export function info(message: string): void {
  process.stderr.write(message + '\n');
}
