/**
 * An error the user can act on: it names the file, what is wrong with it and what to do.
 * The CLI prints `message` as one line and exits 1.
 */
export class LetterpodError extends Error {
  readonly file: string | undefined;
  readonly problem: string;
  readonly fix: string;

  constructor(opts: { file?: string; problem: string; fix: string; cause?: unknown }) {
    const where = opts.file ? `${opts.file}: ` : '';
    super(`${where}${opts.problem}. ${opts.fix}`, { cause: opts.cause });
    this.name = 'LetterpodError';
    this.file = opts.file;
    this.problem = opts.problem;
    this.fix = opts.fix;
  }
}

/** A command-line usage problem (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
