/**
 * Watch tests: projects made from the demo issue (one short summary per issue, so a
 * narration is ~15 s and a build takes seconds), narrated recordings, and a real
 * `letterpod watch --json` process whose journal and log lines the tests read.
 * LETTERPOD_WATCH_LOG=1 (with LETTERPOD_KEEP_TMP=1) also writes each watcher's log
 * lines to watch-<pid>.jsonl in its project folder, to look at after a failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { narrate } from '../../src/demo/narrate.js';
import { readIssue } from '../../src/newsletter/index.js';
import {
  readJournal,
  type FailedEntry,
  type JournalEntry,
  type JournalView,
  type ProcessingEntry,
  type PublishedEntry,
  type WaitingEntry,
} from '../../src/watch/journal.js';
import { projectRoot } from '../helpers/shared.js';
import { SHOW } from '../publish/project.js';


/**
 * Issue `number` made from the demo issue: its front matter with this number and the
 * title of its `k`-th summary, and that summary cut to its first sentence.
 */
export async function demoIssueText(number: number, k: number): Promise<string> {
  const demo = await readFile(join(projectRoot, 'demo', 'an-999.md'), 'utf8');
  const summaries = demo.split('\n').filter((l) => l.startsWith('**['));
  const summary = summaries[k % summaries.length]!;
  const title = /^\*\*\[([^\]]+)\]/.exec(summary)![1]!;
  const cut = summary.indexOf('): ');
  const firstSentence = summary.slice(0, cut + 3) + summary.slice(cut + 3).split(/(?<=\.)\s/)[0];
  const front = demo
    .slice(0, demo.indexOf('\n---', 4) + 4)
    .replace(/^issue: .*$/m, `issue: ${number}`)
    .replace(/^title: .*$/m, `title: "[AN #${number}]: ${title}"`)
    .replace(/an-999/g, `an-${number}`);
  return `${front}\n\n**Newsletter #${number}**\n\nHIGHLIGHTS\n==========\n\n${firstSentence}\n`;
}

/** Narrate an issue text into a WAV (flite, seeded pauses). */
export async function narrateIssue(issueFile: string, out: string, seed: number): Promise<number> {
  const issue = await readIssue(issueFile);
  const sections = issue.sections.filter((s) => s.text.trim()).map((s) => ({ id: s.id, text: s.text }));
  const { durationSeconds } = await narrate(sections, out, { seed });
  return durationSeconds;
}

/** A project folder: config (with a `watch` section), newsletters/ and an empty recordings/. */
export async function makeProject(dir: string, watch: { settleSeconds: number; autoPublish: boolean }, issues: Record<number, string>): Promise<void> {
  await mkdir(join(dir, 'newsletters'), { recursive: true });
  await mkdir(join(dir, 'recordings'), { recursive: true });
  // review is tested in test/trust: these synthetic takes get low-confidence chapter warnings, which would hold them
  await writeFile(join(dir, 'letterpod.config.json'), JSON.stringify({ show: SHOW, watch, review: { required: 'none' } }, null, 2));
  for (const [number, text] of Object.entries(issues)) await writeFile(join(dir, 'newsletters', `an-${number}.md`), text);
}

export interface LogLine {
  time: string;
  event: string;
  recording?: string;
  message: string;
  [key: string]: unknown;
}

/** A running `letterpod watch --json`. */
export class Watcher {
  readonly lines: LogLine[] = [];
  stderr = '';
  private buffer = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly dir: string,
    readonly child: ChildProcess,
  ) {
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        if (line.trim()) {
          this.lines.push(JSON.parse(line) as LogLine);
          if (process.env.LETTERPOD_WATCH_LOG) appendFileSync(join(dir, `watch-${child.pid}.jsonl`), line + '\n');
        }
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  }

  static async start(dir: string): Promise<Watcher> {
    const child = spawn(process.execPath, [join(projectRoot, 'dist', 'cli', 'main.js'), 'watch', '--json'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const w = new Watcher(dir, child);
    await w.waitForLine((l) => l.event === 'watching', 20_000);
    return w;
  }

  get pid(): number {
    return this.child.pid!;
  }

  events(event: string, recording?: string): LogLine[] {
    return this.lines.filter((l) => l.event === event && (recording === undefined || l.recording === recording));
  }

  async waitForLine(pred: (l: LogLine) => boolean, timeoutMs: number): Promise<LogLine> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.lines.find(pred);
      if (hit) return hit;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`watcher exited (${this.child.exitCode ?? this.child.signalCode}); stderr: ${this.stderr}; log: ${this.tail()}`);
      }
      if (Date.now() > until) throw new Error(`timed out waiting for a log line; log: ${this.tail()}; stderr: ${this.stderr}`);
      await sleep(50);
    }
  }

  /** Wait until the journal satisfies `pred`; returns that journal. */
  async waitForJournal(pred: (j: JournalView) => boolean, timeoutMs: number): Promise<JournalView> {
    return waitForJournal(this.dir, pred, timeoutMs, () => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`watcher exited (${this.child.exitCode ?? this.child.signalCode}); stderr: ${this.stderr}; log: ${this.tail()}`);
      }
      return this.tail();
    });
  }

  tail(n = 12): string {
    return this.lines
      .slice(-n)
      .map((l) => `${l.event} ${l.message}`)
      .join(' | ');
  }

  /** SIGTERM (or SIGINT); resolves with the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  async kill9(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

export async function waitForJournal(
  dir: string,
  pred: (j: JournalView) => boolean,
  timeoutMs: number,
  check: () => string = () => '',
): Promise<JournalView> {
  const until = Date.now() + timeoutMs;
  let last: JournalView | undefined;
  for (;;) {
    const context = check();
    try {
      last = await readJournal(dir);
      if (pred(last)) return last;
    } catch {
      // not written yet
    }
    if (Date.now() > until) {
      const states = last?.recordings.map((e) => `${e.name}:${e.state}${e.state === 'processing' ? `/${e.stage}` : ''}`).join(', ');
      throw new Error(`timed out waiting for the journal (${states}); ${context}`);
    }
    await sleep(100);
  }
}

/** A journal entry whose fields of every state can be read (undefined where its state has none), for assertions. */
export type AnyEntry = JournalEntry & Partial<Omit<WaitingEntry & ProcessingEntry & PublishedEntry & FailedEntry, 'state'>>;

export function entry(j: JournalView, name: string): AnyEntry {
  const e = j.recordings.find((r) => r.name === name);
  if (!e) throw new Error(`${name} is not in the journal (${j.recordings.map((r) => r.name).join(', ')})`);
  return e as AnyEntry;
}

/** The stage of a recording being processed. */
export function stageOf(j: JournalView, name: string): string | undefined {
  const e = j.recordings.find((r) => r.name === name);
  return e?.state === 'processing' ? e.stage : undefined;
}

export function stateOf(j: JournalView, name: string): string | undefined {
  return j.recordings.find((r) => r.name === name)?.state;
}

/** Every file under `dir`, relative, hidden ones included. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(relative(dir, p));
    }
  };
  await walk(dir);
  return out.sort();
}

/** Live (non-zombie) processes whose command line mentions `text`. */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (cmd.includes(text) && state !== 'Z') pids.push(Number(name));
    } catch {
      // gone
    }
  }
  return pids;
}

export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Wait until `pred()` holds (for process checks). */
export async function eventually(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > until) expect.fail(`timed out: ${what}`);
    await sleep(50);
  }
}
