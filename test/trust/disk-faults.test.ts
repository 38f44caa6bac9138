/**
 * Issue 14, faults end to end: the real CLI against a project whose store folder (feed/)
 * or build folder is a tiny tmpfs (ENOSPC), a tmpfs remounted read-only (EROFS), or a
 * folder the user running letterpod may not write (EACCES, as user 65534 via setpriv).
 * Each: exit 1, one line naming the path with its fix, nothing half-written left in the
 * store or the builds, the recordings untouched, and a later publish converges.
 * Mount suites skip, saying why, when not root or when tmpfs cannot be mounted.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Buffer } from '../../src/hash.js';
import { letterpod, problems, type CliResult } from '../helpers/cli.js';
import { describeMount, isRoot, mountTmpfs, remount, unmountAll } from '../helpers/mount.js';
import { scratch } from '../helpers/tmp.js';
import { SHOW } from '../publish/project.js';
import { demoIssueText, listFiles, narrateIssue } from '../watch/helpers.js';

const TEMP = /\.(tmp|lptmp|part)$|\.(tmp|id3)-\d+$/;
const ISSUES = [301, 302, 303];

let base: string;
beforeAll(async () => {
  base = await scratch('disk-faults');
  await chmod(base, 0o755); // user 65534 reads the EACCES project below
  await mkdir(join(base, 'src'));
  for (const [k, n] of ISSUES.entries()) {
    await writeFile(join(base, 'src', `an-${n}.md`), await demoIssueText(n, k));
    await narrateIssue(join(base, 'src', `an-${n}.md`), join(base, 'src', `an-${n}.wav`), n);
  }
});
afterAll(unmountAll);

/** A project with the issue texts of `issues` and their recordings; `paths` into the config. */
async function project(name: string, issues: number[], extra: Record<string, unknown> = {}): Promise<string> {
  const dir = join(base, name);
  await mkdir(join(dir, 'newsletters'), { recursive: true });
  await mkdir(join(dir, 'recordings'), { recursive: true });
  await writeFile(join(dir, 'letterpod.config.json'), JSON.stringify({ show: SHOW, review: { required: 'none' }, ...extra }, null, 2));
  for (const n of issues) await addTake(dir, n);
  return dir;
}

async function addTake(dir: string, n: number): Promise<void> {
  await copyFile(join(base, 'src', `an-${n}.md`), join(dir, 'newsletters', `an-${n}.md`));
  await copyFile(join(base, 'src', `an-${n}.wav`), join(dir, 'recordings', `an-${n}.wav`));
}

async function recordingHashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of await listFiles(join(dir, 'recordings'))) out[f] = sha256Buffer(await readFile(join(dir, 'recordings', f)));
  return out;
}

async function temps(dir: string): Promise<string[]> {
  return existsSync(dir) ? (await listFiles(dir)).filter((f) => TEMP.test(f)) : [];
}

function errLines(r: CliResult): string[] {
  return problems(r.stderr).split('\n').filter(Boolean);
}

function items(xml: string): number {
  return xml.match(/<item>/g)?.length ?? 0;
}

describeMount('disk faults on a tmpfs (ENOSPC, EROFS)', () => {
  it('a full store folder: one line naming the file, nothing partial, recordings intact; after remounting bigger it converges; read-only next: the old feed stays', async () => {
    const dir = await project('store-full', [301, 302]);
    const feed = join(dir, 'feed');
    await mkdir(feed);
    await mountTmpfs(feed, '300k'); // one episode's MP3 (~240 KB) fits, two do not
    const before = await recordingHashes(dir);

    const full = await letterpod(['publish'], dir);
    console.log(`store ENOSPC: exit ${full.code}\n${full.stderr}`);
    expect(full.code).toBe(1);
    expect(errLines(full)).toHaveLength(1);
    expect(errLines(full)[0]).toMatch(/^letterpod: the disk is full \(.*\/feed\/episodes\/an-30[12]\/an-30[12]-[0-9a-f]{8}\.mp3\)\. Free some space .*then run it again: nothing half-written is kept$/);
    expect(await temps(feed)).toEqual([]);
    expect(await temps(join(dir, '.letterpod'))).toEqual([]);
    expect(existsSync(join(feed, 'feed.xml'))).toBe(false);
    expect(existsSync(join(feed, 'manifest.json'))).toBe(false);
    expect(await recordingHashes(dir)).toEqual(before);

    await remount(feed, 'size=4m');
    const again = await letterpod(['publish'], dir);
    expect(problems(again.stderr)).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/^built /m); // the builds of the failed run are reused
    expect(items(await readFile(join(feed, 'feed.xml'), 'utf8'))).toBe(2);
    expect(await temps(feed)).toEqual([]);
    const settled = await letterpod(['publish'], dir);
    expect(settled.code).toBe(0);
    expect(settled.stdout).toContain('nothing new to publish');

    // read-only: a new take cannot go out, the published feed and manifest stay as they were
    await addTake(dir, 303);
    const feedBefore = await readFile(join(feed, 'feed.xml'));
    const manifestBefore = await readFile(join(feed, 'manifest.json'));
    const filesBefore = await listFiles(feed);
    await remount(feed, 'ro');
    const ro = await letterpod(['publish'], dir);
    console.log(`store EROFS: exit ${ro.code}\n${ro.stderr}`);
    expect(ro.code).toBe(1);
    expect(errLines(ro)).toHaveLength(1);
    expect(errLines(ro)[0]).toMatch(/^letterpod: the folder is on a read-only file system \(.*\/feed\/episodes\/an-303\)\. Remount it read-write or point the config .* to a writable folder, then run it again$/);
    expect(await readFile(join(feed, 'feed.xml'))).toEqual(feedBefore);
    expect(await readFile(join(feed, 'manifest.json'))).toEqual(manifestBefore);
    expect(await listFiles(feed)).toEqual(filesBefore);
    expect(await temps(join(dir, '.letterpod'))).toEqual([]);

    await remount(feed, 'rw');
    const rw = await letterpod(['publish'], dir);
    expect(rw.code).toBe(0);
    expect(rw.stdout).toMatch(/^published #303 from recordings\/an-303\.wav: new episode$/m);
    expect(items(await readFile(join(feed, 'feed.xml'), 'utf8'))).toBe(3);
    expect(await temps(feed)).toEqual([]);
    expect(await recordingHashes(dir)).toEqual({ ...before, 'an-303.wav': sha256Buffer(await readFile(join(base, 'src', 'an-303.wav'))) });
  });

  it('a full build folder (paths.build): one line naming the episode\'s MP3, no file left in the builds, nothing published; converges after remounting bigger', async () => {
    const dir = await project('build-full', [301], { paths: { build: 'build' } });
    const build = join(dir, 'build');
    await mkdir(build);
    await mountTmpfs(build, '300k'); // the MP3 (~240 KB) and its tagged copy do not fit together
    const before = await recordingHashes(dir);

    const full = await letterpod(['publish'], dir);
    console.log(`build ENOSPC: exit ${full.code}\n${full.stderr}`);
    expect(full.code).toBe(1);
    expect(errLines(full)).toHaveLength(1);
    expect(errLines(full)[0]).toMatch(/^letterpod: failed: recordings\/an-301\.wav: the disk is full \(.*\/build\/an-301\/an-301\.mp3\)\. Free some space .*then run it again: nothing half-written is kept$/);
    expect(full.stdout).toBe('');
    expect(await listFiles(build)).toEqual([]);
    expect(existsSync(join(dir, 'feed', 'feed.xml'))).toBe(false);
    expect(await recordingHashes(dir)).toEqual(before);

    await remount(build, 'size=4m');
    const again = await letterpod(['publish'], dir);
    expect(problems(again.stderr)).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^published #301 from recordings\/an-301\.wav: new episode$/m);
    expect(items(await readFile(join(dir, 'feed', 'feed.xml'), 'utf8'))).toBe(1);
    expect(await temps(build)).toEqual([]);
    expect(await temps(join(dir, 'feed'))).toEqual([]);
  });
});

/** `letterpod <args>` as user and group 65534 (nobody): root would ignore permissions. */
function asNobody(args: string[], cwd: string): Promise<CliResult> {
  return letterpod(args, cwd, { HOME: cwd }, ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']);
}

async function setprivProblem(): Promise<string | undefined> {
  if (!isRoot) return 'not root: setpriv cannot change to user 65534';
  try {
    await promisify(execFile)('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']);
    return undefined;
  } catch (e) {
    return `setpriv (util-linux) unusable: ${(e as Error).message.split('\n')[0]}`;
  }
}
const setpriv = await setprivProblem();
const describeSetpriv = setpriv ? (name: string, fn: () => void) => describe.skip(`${name} (skipped: ${setpriv})`, fn) : describe;

describeSetpriv('permission denied (EACCES), as user 65534', () => {
  it('a store folder owned by root (755): one line with the fix; after giving the user the folder it converges', async () => {
    const dir = await project('no-access', [301]);
    // the user may write its own records and builds (.letterpod), not the store
    await mkdir(join(dir, '.letterpod'));
    await chown(join(dir, '.letterpod'), 65534, 65534);
    await mkdir(join(dir, 'feed'), { mode: 0o755 });
    const before = await recordingHashes(dir);

    const denied = await asNobody(['publish'], dir);
    console.log(`store EACCES: exit ${denied.code}\n${denied.stderr}`);
    expect(denied.code).toBe(1);
    expect(errLines(denied)).toHaveLength(1);
    expect(errLines(denied)[0]).toMatch(/^letterpod: permission denied \((.*)\/feed\/episodes\)\. Give the user running letterpod write access to \1\/feed \(or run it as the folder's owner\), then run it again$/);
    expect(await listFiles(join(dir, 'feed'))).toEqual([]);
    expect(await temps(join(dir, '.letterpod'))).toEqual([]);
    expect(await recordingHashes(dir)).toEqual(before);

    await chown(join(dir, 'feed'), 65534, 65534);
    const ok = await asNobody(['publish'], dir);
    expect(problems(ok.stderr)).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).not.toMatch(/^built /m);
    expect(items(await readFile(join(dir, 'feed', 'feed.xml'), 'utf8'))).toBe(1);
    expect(await temps(join(dir, 'feed'))).toEqual([]);
  });
});
