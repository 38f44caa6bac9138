/**
 * Issue 17, a pickup's span edges on festival kal_diphone (the voice of the TUNE case
 * pk-demo-festival-kal and of the held-out narration, whose ends missed by 0.15–0.36 s).
 * kal_diphone ends every utterance with its diphone database's own recorded silence: ~0.3 s
 * of a stationary hum and offset ~47 dB under the speech, under a −58 dBFS room and
 * inaudible in it. (1) The eval's truth of a sentence's span ends at its last sound above
 * the room the case adds, not at the end of that tail. (2) `speechEdge` does not walk on
 * into the room's own noise: the end found in the noisy recording is within 0.075 s (half
 * the target) of that truth, for 12 noise realizations of each of two sentences.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCase, frameDb, makeNoise, noiseSeed, writeWav, type CaseSection } from '../../src/eval/compose.js';
import { audibleSpan, buildMain } from '../../src/eval/pickup-cases.js';
import { decodePcm } from '../../src/media/ffmpeg.js';
import { recordingFeatures } from '../../src/takes/listen.js';
import { speechEdge } from '../../src/takes/splice.js';
import { scratch } from '../helpers/tmp.js';

const KAL = { engine: 'festival' as const, voice: 'kal_diphone' };
const ROOM = { dbfs: -58, color: 'pink' as const };
const RATE = 22050;

describe('festival kal_diphone sentence ends in a −58 dBFS room', () => {
  it("the eval's truth ends at the last sound above the room, not after the voice's silent tail", async () => {
    const work = await scratch('kal-truth');
    const sections: CaseSection[] = [
      { id: 'a', kind: 'summary', title: 'A', text: 'The checklist is short enough that people might actually use it. It sorts the cases into four families.' },
      { id: 'b', kind: 'summary', title: 'B', text: 'A useful reference.' },
    ];
    const spec = { name: 'kal', seed: 17, sections, voice: KAL, noise: ROOM, target: 'a', mainName: 'an-1.wav' };
    const main = await buildMain(spec, join(work, 'cases'), join(work, 'recordings'));
    // the clean speech: the recording less the room the case added
    const clean = await decodePcm(main.main, RATE);
    const noise = makeNoise(clean.length, ROOM.dbfs, ROOM.color, noiseSeed(17));
    for (let i = 0; i < clean.length; i++) clean[i] -= noise[i];
    for (const s of main.sentenceTimes) {
      // the last 10 ms of the span are above the room, and nothing after it until the next sentence is
      const end = Math.round(s.endSeconds * RATE);
      const last = frameDb(clean.subarray(end - Math.round(0.01 * RATE), end), RATE, 0.01)[0];
      expect(last).toBeGreaterThanOrEqual(ROOM.dbfs);
      const after = frameDb(clean.subarray(end, end + Math.round(0.4 * RATE)), RATE, 0.01);
      expect(Math.max(...after)).toBeLessThan(ROOM.dbfs);
      // and the voice's tail is there: sound (over −100 dBFS) goes on for ≥ 0.2 s after the truth's end
      expect(after.slice(0, 20).every((db) => db > -80)).toBe(true);
    }
  });

  it('the end found in the noisy recording is within 0.075 s of it, whatever the noise', async () => {
    const work = await scratch('kal-edge');
    for (const text of ['The checklist is short enough that people might actually use it.', 'They sort the cases into four families by what was found.']) {
      const c = await buildCase('kal-clean', { seed: 1, sections: [{ id: 'a', kind: 'summary', title: 'a', text }], segments: [{ kind: 'pause', seconds: 0.7 }, { kind: 'section', id: 'a', parts: [{ tts: text, voice: KAL }] }, { kind: 'pause', seconds: 1.2 }] }, work);
      const clean = await decodePcm(c.audio, RATE);
      const truth = audibleSpan(clean, RATE, c.truth.segments[0], ROOM.dbfs);
      // the voice's tail under the room: the renderer's end is well after the audible one
      expect(c.truth.segments[0].endSeconds - truth.endSeconds).toBeGreaterThan(0.1);
      const errors: number[] = [];
      for (let seed = 1; seed <= 12; seed++) {
        const n = makeNoise(clean.length, ROOM.dbfs, ROOM.color, seed);
        const noisy = clean.map((v, i) => v + n[i]);
        const file = join(work, `noisy-${seed}.wav`);
        await writeWav(file, noisy, RATE);
        const f = await recordingFeatures(file);
        const pause = f.pauses.filter((p) => p.startSeconds > truth.endSeconds - 0.4).sort((a, b) => a.startSeconds - b.startSeconds)[0];
        expect(pause).toBeDefined();
        errors.push(speechEdge(f, pause, 'end') - truth.endSeconds);
      }
      expect(Math.max(...errors.map(Math.abs))).toBeLessThanOrEqual(0.075);
    }
  });
});
