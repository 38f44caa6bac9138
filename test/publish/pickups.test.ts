/**
 * Issue 17, item 3: `letterpod publish` with a pickup beside its issue's recording in
 * recordings/. One episode with the pickup spliced in, episode.json listing both pieces with
 * their sha256 and what the pickup replaced; then, the pickup deleted, the next publish
 * rebuilds the original: same GUID and pubDate, a new audio key, no `replaced`. The
 * recordings are never touched. A pickup with no recording of its issue stays refused.
 */
import { copyFile, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EpisodeReport } from '../../src/episode/report.js';
import { sha256File } from '../../src/hash.js';
import { splitSentences } from '../../src/speech/sentences.js';
import type { Manifest } from '../../src/store/manifest.js';
import { letterpod, problems } from '../helpers/cli.js';
import { scratch } from '../helpers/tmp.js';
import { PICKUP_NAME, pickupProject, readManifestOf, type PickupProject } from '../takes/pickup-project.js';

async function episodeJson(dir: string): Promise<EpisodeReport> {
  return JSON.parse(await readFile(join(dir, '.letterpod', 'build', 'an-301', 'episode.json'), 'utf8')) as EpisodeReport;
}

describe('publish with a pickup in recordings/', () => {
  let p: PickupProject;
  let pickup: string;
  let mainSha: string;
  let pickupSha: string;
  let withPickup: { report: EpisodeReport; manifest: Manifest; stdout: string };

  beforeAll(async () => {
    p = await pickupProject(await scratch('publish-pickup'));
    pickup = join(p.dir, 'recordings', PICKUP_NAME);
    await copyFile(p.staged, pickup);
    [mainSha, pickupSha] = await Promise.all([sha256File(p.main.main), sha256File(pickup)].map((h) => h.then((x) => x.sha256)));
    const r = await letterpod(['publish'], p.dir);
    expect(problems(r.stderr)).toBe('');
    expect(r.code).toBe(0);
    withPickup = { report: await episodeJson(p.dir), manifest: await readManifestOf(p.dir), stdout: r.stdout };
  });

  it('builds one episode from the recording and the pickup, listing both pieces with their sha256 and what was replaced', () => {
    const { report, manifest, stdout } = withPickup;
    expect(report.pieces!.map((x) => [x.file, x.role, x.sha256])).toEqual([
      [p.main.main, 'take', mainSha],
      [pickup, 'pickup', pickupSha],
    ]);
    expect(report.replaced).toHaveLength(1);
    const r = report.replaced![0]!;
    expect(r.file).toBe(pickup);
    // the second sentence of the first summary, and no other (the span's precision is test/takes/pickups.test.ts's)
    const target = p.issue.sections.find((s) => s.kind === 'summary')!;
    expect([r.sections, r.text]).toEqual([[target.id], splitSentences(target.text)[1]]);
    expect(r.old.startSeconds).toBeGreaterThan(p.main.sentenceTimes[0]!.endSeconds - 0.15);
    expect(r.old.endSeconds).toBeLessThan(p.main.sentenceTimes[2]!.startSeconds + 0.15);
    expect(manifest.episodes.map((e) => e.number)).toEqual([301]);
    expect(manifest.episodes[0]!.audio.sha256).toBe(report.audio.sha256);
    expect(stdout).toMatch(/published #301 from recordings\/an-301\.wav with the pickup recordings\/an-301 fix 1\.wav: new episode/);
  });

  it('a second publish with nothing changed reuses the build and writes nothing', async () => {
    const r = await letterpod(['publish'], p.dir);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/^built /m);
    expect(r.stdout).toMatch(/nothing new to publish/);
    expect((await episodeJson(p.dir)).builtAt).toBe(withPickup.report.builtAt);
  });

  it('status says the build is outdated when the pickup is removed, and publish then rebuilds the original under the same GUID and pubDate with a new audio key', async () => {
    await rm(pickup);
    const s = await letterpod(['status', '--json'], p.dir);
    expect(s.stdout).toMatch(/built with the pickup an-301 fix 1\.wav, no longer in recordings\//);
    const r = await letterpod(['publish'], p.dir);
    expect(problems(r.stderr)).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/published #301 from recordings\/an-301\.wav: updated \(same GUID\)/);
    const report = await episodeJson(p.dir);
    expect(report.replaced).toBeUndefined();
    expect(report.pieces).toBeUndefined();
    expect(report.source.sha256).toBe(mainSha);
    const before = withPickup.manifest.episodes[0]!;
    const after = (await readManifestOf(p.dir)).episodes[0]!;
    expect([after.guid, after.pubDate]).toEqual([before.guid, before.pubDate]);
    expect(after.audio.key).not.toBe(before.audio.key);
    expect(after.audio.sha256).toBe(report.audio.sha256);
    // the recording was only read
    expect((await sha256File(p.main.main)).sha256).toBe(mainSha);
  });

  it('still refuses a pickup whose issue has no recording in recordings/, with the build command to use', async () => {
    await rm(p.main.main);
    await copyFile(p.staged, pickup);
    const r = await letterpod(['publish'], p.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/an-301 fix 1\.wav: is a pickup \(its name says "fix 1"\): it is not a reading of the whole issue, and recordings\/ holds no recording of #301 to splice it into\. .*letterpod build <the recording of #301>/);
    // and the episode in the store is left as it was
    expect((await readManifestOf(p.dir)).episodes.map((e) => e.number)).toEqual([301]);
    expect((await sha256File(pickup)).sha256).toBe(pickupSha);
  });
});
