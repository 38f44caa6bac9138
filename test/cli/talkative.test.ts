/**
 * The CLI tells the producer what is happening (issue 15): a progress display on a
 * terminal, timestamped stage lines as they happen when piped, a closing summary, --quiet,
 * --version, init, refusal outside a project, the dry run's counts, and the runner's debug
 * log naming every process with its arguments.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { letterpod } from '../helpers/cli.js';
import { projectRoot } from '../helpers/shared.js';
import { scratch } from '../helpers/tmp.js';
import { narratedProject } from './narrated-project.js';

const main = join(projectRoot, 'dist', 'cli', 'main.js');
const STAGE_LINE = /^(\d\d):(\d\d):(\d\d) (\S.*): (match|check|probe|analyse|master|artifacts|publish) \(/;

/** Run the CLI piped, noting when each stderr line arrived (ms since start). */
function timed(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; lines: { at: number; text: string }[] }> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const child = spawn(process.execPath, [main, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let partial = '';
    const lines: { at: number; text: string }[] = [];
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      partial += d.toString();
      const parts = partial.split('\n');
      partial = parts.pop()!;
      for (const text of parts) lines.push({ at: Date.now() - start, text });
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, lines }));
  });
}

describe('letterpod --version, init, and commands outside a project', () => {
  let outside: string;
  beforeAll(async () => {
    // outside the clone: no letterpod.config.json in any folder above
    outside = await mkdtemp(join(tmpdir(), 'letterpod-outside-'));
  });
  afterAll(async () => {
    await rm(outside, { recursive: true, force: true });
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    const r = await letterpod(['--version'], outside);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });

  it('refuses publish, status and watch outside a project, with the way out, writing nothing', async () => {
    for (const command of ['publish', 'status', 'watch']) {
      const r = await letterpod([command], outside);
      expect(r.code, command).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^letterpod: no letterpod\\.config\\.json in .*: \`letterpod ${command}\` works on a project; run \`letterpod init\``));
    }
    expect(await readdir(outside)).toEqual([]);
  });

  it('init makes a project that loads, and refuses to overwrite it', async () => {
    const r = await letterpod(['init', 'my-show', '--title', 'My Show', '--email', 'me@example.org'], outside);
    expect(r.code).toBe(0);
    const dir = join(outside, 'my-show');
    expect(existsSync(join(dir, 'recordings'))).toBe(true);
    expect(existsSync(join(dir, 'newsletters'))).toBe(true);
    const config = await loadConfig(undefined, dir);
    expect(config.file).toBe(join(dir, 'letterpod.config.json'));
    expect(config.show.title).toBe('My Show');
    expect(config.show.owner.email).toBe('me@example.org');
    expect(config.store.type).toBe('local');
    const again = await letterpod(['init'], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    // an empty project publishes an empty feed in its own folder
    const empty = await letterpod(['publish', '--quiet'], dir);
    expect(empty.code).toBe(0);
    expect(existsSync(join(dir, 'feed', 'feed.xml'))).toBe(true);
  });

  it('run from a project\'s recordings/ it names the project instead of writing recordings/feed', async () => {
    const dir = join(outside, 'my-show');
    const r = await letterpod(['publish'], join(dir, 'recordings'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`this folder is inside the project ${dir}: run it from there (cd ..)`);
    expect(existsSync(join(dir, 'recordings', 'feed'))).toBe(false);
  });

  it('init refuses a bad e-mail before writing anything', async () => {
    const r = await letterpod(['init', 'bad', '--email', 'not-an-address'], outside);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/show\.owner\.email/);
    expect(existsSync(join(outside, 'bad', 'letterpod.config.json'))).toBe(false);
  });
});

describe('publish with two recordings, piped and on a terminal', () => {
  let dir: string;
  let fresh: string;
  beforeAll(async () => {
    fresh = await scratch('talkative-fresh');
    await narratedProject(fresh, [201, 202]);
    dir = await scratch('talkative');
    await cp(fresh, dir, { recursive: true });
  });

  it('the dry run counts the episodes that would be built and added', async () => {
    const r = await letterpod(['publish', '--dry-run'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^would build recordings\/an-201\.wav \(#201: /m);
    expect(r.stdout).toMatch(/^would build recordings\/an-202\.wav \(#202: /m);
    expect(r.stdout).toMatch(/manifest\.json +manifest +first publish; adds #201, #202 \(If-None-Match: \*\); 0 → 2 episodes/);
    expect(r.stdout).toMatch(/manifest\.json would change; feed\.xml would change/);
    expect(r.stdout).toMatch(/^ {2}#201 .* would build/m);
    expect(existsSync(join(dir, 'feed'))).toBe(false);
  });

  it('piped: one timestamped line per stage, each written as the stage starts; then the report and the summary', async () => {
    const r = await timed(['publish'], dir);
    expect(r.code).toBe(0);
    const stages = r.lines.filter((l) => STAGE_LINE.test(l.text));
    // every line on stderr is a stage line: no problems
    expect(r.lines.map((l) => l.text)).toEqual(stages.map((l) => l.text));
    const of = (rec: string) => stages.filter((l) => l.text.includes(rec)).map((l) => STAGE_LINE.exec(l.text)![5]);
    expect(of('recordings/an-201.wav')).toEqual(['match', 'check', 'probe', 'analyse', 'master', 'artifacts']);
    expect(of('recordings/an-202.wav')).toEqual(['match', 'check', 'probe', 'analyse', 'master', 'artifacts']);
    expect(stages.at(-1)!.text).toMatch(/: publish \(publishing\)$/);
    // the lines arrived over the run, not at its end: the first build's stages come seconds before the last line
    const first = stages[0]!.at;
    const last = stages.at(-1)!.at;
    expect(last - first).toBeGreaterThan(4000);
    const secondRecording = stages.find((l) => l.text.includes('an-202'))!.at;
    expect(secondRecording - first).toBeGreaterThan(2000);
    expect(last - secondRecording).toBeGreaterThan(2000);
    // the printed time of day matches when the line arrived (within 2 s)
    for (const l of stages) {
      const [, h, m, s] = STAGE_LINE.exec(l.text)!;
      const printed = new Date();
      printed.setHours(Number(h), Number(m), Number(s));
      expect(Math.abs(printed.getTime() - Date.now())).toBeLessThan(120_000);
    }
    // the closing summary
    const summary = r.stdout.slice(r.stdout.indexOf('summary:'));
    expect(summary).toMatch(/episode +duration +LUFS \/ dBTP +chapters +warnings +status +url/);
    expect(summary).toMatch(/#201 +00:01:\d\d +-1[56]\.\d \/ -\d\.\d +4 +0 +published +http:\/\/localhost:8080\/episodes\/an-201\/an-201-[0-9a-f]{8}\.mp3/);
    expect(summary).toMatch(/#202 +00:01:\d\d +-1[56]\.\d \/ -\d\.\d +4 +0 +published +http:\/\/localhost:8080\/episodes\/an-202\//);
  });

  it('--quiet prints nothing when all is well; --json stays one JSON document', async () => {
    const quiet = await letterpod(['publish', '--quiet'], dir);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout + quiet.stderr).toBe('');
    const json = await letterpod(['publish', '--json'], dir);
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    const doc = JSON.parse(json.stdout) as { recordings: { status: string }[] };
    expect(doc.recordings.map((r) => r.status)).toEqual(['ready', 'ready']);
  });

  it('on a terminal: the recording\'s line is redrawn in place with stage, percent and time left, then left as "built in …"', async () => {
    const tty = await scratch('talkative-tty');
    await cp(fresh, tty, { recursive: true });
    const typescript = join(tty, 'typescript.txt');
    const r = spawnSync('script', ['-qfc', `${JSON.stringify(process.execPath)} ${JSON.stringify(main)} publish`, typescript], { cwd: tty, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const raw = await readFile(typescript, 'utf8');
    const redraws = raw.split('\r\x1b[2K').slice(1);
    // many frames, with a bar and percent and the time left for analyse and master
    expect(redraws.length).toBeGreaterThan(10);
    expect(redraws.some((f) => /an-201\.wav: \[4\/7\] analyse — aligning and measuring [█░]{20} +\d+%, [\d.]+ s left/.test(f))).toBe(true);
    expect(redraws.some((f) => /an-202\.wav: \[5\/7\] master — mastering [█░]{20} +\d+%/.test(f))).toBe(true);
    const percents = redraws.filter((f) => f.includes('an-201.wav: [4/7] analyse')).map((f) => Number(/(\d+)%/.exec(f)?.[1] ?? -1));
    expect(Math.max(...percents)).toBeGreaterThan(Math.min(...percents.filter((p) => p >= 0)));
    expect(raw).toMatch(/recordings\/an-201\.wav: built in [\d.]+ s\r?\n/);
    expect(raw).toMatch(/recordings\/an-202\.wav: built in [\d.]+ s\r?\n/);
    // no timestamped stage lines on a terminal; the summary closes the run
    expect(raw).not.toMatch(/^\d\d:\d\d:\d\d /m);
    expect(raw).toMatch(/summary:\r?\n +episode +duration/);
  });
});

describe('the process runner\'s debug log', () => {
  it('LETTERPOD_DEBUG=1 names every process of a build with its arguments, and when it ended', async () => {
    const dir = await scratch('debug');
    await narratedProject(dir, [203]);
    const r = await letterpod(['build', 'recordings/an-203.wav', '--issue', 'newsletters/an-203.md', '--out', 'out', '--json'], dir, { LETTERPOD_DEBUG: '1' });
    expect(r.code).toBe(0);
    JSON.parse(r.stdout); // stdout stays the report
    const runs = [...r.stderr.matchAll(/^letterpod debug: run #(\d+): (\S+) (.*)$/gm)];
    const ends = new Set([...r.stderr.matchAll(/^letterpod debug: end #(\d+): (\S+) exit 0 after [\d.]+ s$/gm)].map((m) => m[1]));
    const tools = new Set(runs.map((m) => m[2]));
    expect(tools).toEqual(new Set(['ffprobe', 'ffmpeg', 'espeak-ng']));
    for (const m of runs) expect(ends.has(m[1]), `run #${m[1]} ended`).toBe(true);
    // the arguments as they ran: the recording as ffmpeg's input, espeak-ng's voice and text file
    expect(runs.some((m) => m[2] === 'ffmpeg' && m[3]!.includes('-i file:recordings/an-203.wav'))).toBe(true);
    expect(runs.some((m) => m[2] === 'espeak-ng' && /-v en-us .*-w \S+\.wav -f \S+\.txt/.test(m[3]!))).toBe(true);
    expect(runs.some((m) => m[2] === 'ffprobe' && m[3]!.includes('file:recordings/an-203.wav'))).toBe(true);
    // and the stages, timed
    for (const stage of ['probe', 'analyse', 'master', 'artifacts']) {
      expect(r.stderr).toMatch(new RegExp(`^letterpod debug: stage ${stage} of recordings/an-203\\.wav: done in [\\d.]+ s$`, 'm'));
    }
    // without it: not a word of it
    const quiet = await letterpod(['build', 'recordings/an-203.wav', '--issue', 'newsletters/an-203.md', '--out', 'out2', '--json'], dir);
    expect(quiet.stderr).not.toContain('letterpod debug');
  });
});
